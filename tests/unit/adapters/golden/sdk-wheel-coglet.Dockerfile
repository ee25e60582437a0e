FROM python:3.12-slim
ENV DEBIAN_FRONTEND=noninteractive
ENV PYTHONUNBUFFERED=1
ENV LD_LIBRARY_PATH=$LD_LIBRARY_PATH:/usr/lib/x86_64-linux-gnu:/usr/local/nvidia/lib64:/usr/local/nvidia/bin
ENV NVIDIA_DRIVER_CAPABILITIES=all
RUN apt-get update -qq && apt-get install -qqy --no-install-recommends tini && rm -rf /var/lib/apt/lists/* && ln -sf /usr/bin/tini /sbin/tini
ENTRYPOINT ["/sbin/tini", "--"]
ENV R8_COG_VERSION=coglet
ENV R8_PYTHON_VERSION=3.12
ENV CFLAGS="-O3 -funroll-loops -fno-strict-aliasing -flto -S"
RUN pip uninstall -y cog 2>/dev/null || true && pip install --no-cache-dir https://example.com/coglet-0.1.0-py3-none-any.whl
ENV CFLAGS=
RUN find / -type f -name "*python*.so" -printf "%h\n" | sort -u > /etc/ld.so.conf.d/cog.conf && ldconfig
WORKDIR /src
EXPOSE 5000
ENV COG_PREDICT_TYPE_STUB="predict.py:Predictor"
CMD ["python", "-m", "cog.server.http"]
COPY src /src
