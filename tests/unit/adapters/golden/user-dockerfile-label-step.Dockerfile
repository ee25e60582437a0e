FROM cog-tmp:<hash>
COPY cog/openapi_schema.json .cog/openapi_schema.json
