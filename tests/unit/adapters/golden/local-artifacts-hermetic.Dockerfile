FROM python:3.12-slim
ENV DEBIAN_FRONTEND=noninteractive
ENV PYTHONUNBUFFERED=1
ENV LD_LIBRARY_PATH=$LD_LIBRARY_PATH:/usr/lib/x86_64-linux-gnu:/usr/local/nvidia/lib64:/usr/local/nvidia/bin
ENV NVIDIA_DRIVER_CAPABILITIES=all
RUN apt-get update -qq && apt-get install -qqy --no-install-recommends tini && rm -rf /var/lib/apt/lists/* && ln -sf /usr/bin/tini /sbin/tini
ENTRYPOINT ["/sbin/tini", "--"]
COPY cog/local_package_artifacts/ /tmp/local_package_artifacts/
COPY cog/wheels/requirements /tmp/cog-wheels/requirements
ENV CFLAGS="-O3 -funroll-loops -fno-strict-aliasing -flto -S"
RUN pip install --no-cache-dir --no-index --find-links /tmp/cog-wheels/requirements requests==2.32.3 urllib3==2.5.0 /tmp/local_package_artifacts/dist/local_pkg-0.1.0.tar.gz '/tmp/local_package_artifacts/dist/local zip pkg-0.2.0.zip' /tmp/local_package_artifacts/cog/helper-0.3.0-py3-none-any.whl
ENV CFLAGS=
RUN pip uninstall -y cog coglet
COPY cog/wheels/runtime /tmp/cog-wheels/runtime
ENV CFLAGS="-O3 -funroll-loops -fno-strict-aliasing -flto -S"
RUN pip install --no-cache-dir --no-index --find-links /tmp/cog-wheels/runtime cog==0.23.1
ENV CFLAGS=
RUN find / -type f -name "*python*.so" -printf "%h\n" | sort -u > /etc/ld.so.conf.d/cog.conf && ldconfig
WORKDIR /src
EXPOSE 5000
ENV COG_PREDICT_TYPE_STUB="predict.py:Predictor"
CMD ["python", "-m", "cog.server.http"]
COPY src /src
