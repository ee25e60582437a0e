"""The texts a generated Dockerfile is made of, one function per stanza.

They follow Cog's generator (cog-spec §3.4) line for line, with three kinds of change, each
recorded in docs/decisions/: a BuildKit mount (``--mount=type=cache|secret|bind``) appears only
when the builder supports mounts; tini comes from the distribution's ``tini`` package; and the
Cog runtime is the ``cog`` package from PyPI (or from wheels in the context, in hermetic mode).
Every function returns lines without trailing newlines; empty strings are dropped later.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from adapters.dockerfile.cacert import CA_CERT_FILENAME

CFLAGS: Final = 'ENV CFLAGS="-O3 -funroll-loops -fno-strict-aliasing -flto -S"'
CFLAGS_RESET: Final = "ENV CFLAGS="
STRIP: Final = 'find / -type f -name "*python*.so" -not -name "*cpython*.so" -exec strip -S {} \\;'
LDCONFIG: Final = (
    'RUN find / -type f -name "*python*.so" -printf "%h\\n" | sort -u '
    "> /etc/ld.so.conf.d/cog.conf && ldconfig"
)
PRECOMPILE: Final = (
    'RUN find / -type f -name "*.py[co]" -delete && find / -type f -name "*.py" '
    '-exec touch -t 197001010000 {} \\; && find / -type f -name "*.py" -printf "%h\\n" '
    "| sort -u | /usr/bin/python3 -m compileall --invalidation-mode timestamp -o 2 -j 0"
)
SERVER_CMD: Final = 'CMD ["python", "-m", "cog.server.http"]'
APT_CACHE: Final = "--mount=type=cache,target=/var/cache/apt,sharing=locked"
PIP_CACHE: Final = "--mount=type=cache,target=/root/.cache/pip"
SYSTEM_BUNDLE: Final = "/etc/ssl/certs/ca-certificates.crt"
# What Cog's pyenv stanza installs before building Python (GPU images only).
_PYENV_BUILD_DEPS: Final = [
    "make",
    "build-essential",
    "libssl-dev",
    "zlib1g-dev",
    "libbz2-dev",
    "libreadline-dev",
    "libsqlite3-dev",
    "wget",
    "curl",
    "llvm",
    "libncurses5-dev",
    "libncursesw5-dev",
    "xz-utils",
    "tk-dev",
    "libffi-dev",
    "liblzma-dev",
    "git",
    "ca-certificates",
]


def run(*mounts_and_command: str) -> str:
    """A ``RUN`` line: mounts (empty ones skipped) then the command."""
    return "RUN " + " ".join(part for part in mounts_and_command if part)


def preamble() -> list[str]:
    """Cog's environment preamble (path A only)."""
    return [
        "ENV DEBIAN_FRONTEND=noninteractive",
        "ENV PYTHONUNBUFFERED=1",
        "ENV LD_LIBRARY_PATH=$LD_LIBRARY_PATH:/usr/lib/x86_64-linux-gnu:/usr/local/nvidia/lib64:"
        "/usr/local/nvidia/bin",
        "ENV NVIDIA_DRIVER_CAPABILITIES=all",
    ]


def ca_cert() -> list[str]:
    """Install the ``COG_CA_CERT`` certificate (copied to ``/tmp`` by the caller)."""
    installed = f"/usr/local/share/ca-certificates/{CA_CERT_FILENAME}"
    return [
        # Cog HEAD also appends the certificate to the bundle, for images whose
        # update-ca-certificates does not rebuild it.
        f"RUN cp /tmp/{CA_CERT_FILENAME} {installed} && update-ca-certificates && "
        f"cat /tmp/{CA_CERT_FILENAME} >> {SYSTEM_BUNDLE}",
        f"ENV SSL_CERT_FILE={SYSTEM_BUNDLE}",
        f"ENV REQUESTS_CA_BUNDLE={SYSTEM_BUNDLE}",
    ]


def tini(*, mounts: bool) -> list[str]:
    """tini from the distribution's package, at Cog's path ``/sbin/tini``, as the entrypoint.

    Cog downloads tini from GitHub; the Debian/Ubuntu package is the same program, needs no
    GitHub access and is verified by apt. The ``/sbin/tini`` link keeps the entrypoint
    byte-identical to Cog's images for tools that look at it.
    """
    return [
        run(
            APT_CACHE if mounts else "",
            "apt-get update -qq && apt-get install -qqy --no-install-recommends tini "
            "&& rm -rf /var/lib/apt/lists/* && ln -sf /usr/bin/tini /sbin/tini",
        ),
        'ENTRYPOINT ["/sbin/tini", "--"]',
    ]


def environment(variables: Sequence[str]) -> list[str]:
    """One ``ENV`` line with every ``NAME=value`` of cog.yaml, sorted by name, values verbatim."""
    if not variables:
        return []
    pairs = sorted((item.partition("=")[0], item.partition("=")[2]) for item in variables)
    return ["ENV " + " ".join(f"{name}={value}" for name, value in pairs)]


def apt(packages: Sequence[str], *, mounts: bool) -> list[str]:
    """Install ``system_packages`` (emitted even when ``packages`` ends up empty, as Cog does)."""
    return [
        run(
            APT_CACHE if mounts else "",
            f"apt-get update -qq && apt-get install -qqy {' '.join(packages)} "
            "&& rm -rf /var/lib/apt/lists/*",
        )
    ]


def pyenv_python(python_version: str, *, mounts: bool) -> list[str]:
    """Build Python with pyenv (GPU images, whose CUDA base has no Python); Cog's text."""
    version = "3.13.0" if python_version == "3.13" else python_version
    deps = "".join(f"\t{name} \\\n" for name in _PYENV_BUILD_DEPS)
    return [
        'ENV PATH="/root/.pyenv/shims:/root/.pyenv/bin:$PATH"',
        run(
            APT_CACHE if mounts else "",
            "apt-get update -qq && apt-get install -qqy --no-install-recommends \\\n"
            f"{deps}\t&& rm -rf /var/lib/apt/lists/*",
        ),
        run(
            PIP_CACHE if mounts else "",
            "curl -s -S -L https://raw.githubusercontent.com/pyenv/pyenv-installer/master/bin/"
            "pyenv-installer | bash && \\\n"
            '\tgit clone https://github.com/momo-lab/pyenv-install-latest.git "$(pyenv root)"'
            "/plugins/pyenv-install-latest && \\\n"
            "\texport PYTHON_CONFIGURE_OPTS='--enable-optimizations --with-lto' && \\\n"
            "\texport PYTHON_CFLAGS='-O3' && \\\n"
            f'\tpyenv install-latest "{version}" && \\\n'
            f'\tpyenv global $(pyenv install-latest --print "{version}") && \\\n'
            '\tpip install "wheel<1"',
        ),
        "RUN rm -rf /usr/bin/python3 && ln -s `realpath \\`pyenv which python\\`` /usr/bin/python3 "
        "&& chmod +x /usr/bin/python3",
    ]


def pip_install(arguments: str, *, mounts: bool, strip: bool, prefix: str = "") -> list[str]:
    """``pip install <arguments>`` wrapped in Cog's CFLAGS lines, after ``prefix`` if given.

    With mounts the pip cache is a BuildKit cache mount; without, ``--no-cache-dir`` keeps the
    cache out of the layer.
    """
    line = (
        run(PIP_CACHE, f"{prefix}pip install {arguments}")
        if mounts
        else (f"RUN {prefix}pip install --no-cache-dir {arguments}")
    )
    if strip:
        line += f" && {STRIP}"
    return [CFLAGS, line, CFLAGS_RESET]


def wheel_install(
    requirement: str,
    wheel_dir: str,
    context_dir: str,
    *,
    mounts: bool,
    strip: bool,
    prefix: str = "",
) -> list[str]:
    """Install from downloaded distributions in the context only (hermetic mode): no index.

    ``requirement`` is what to install (pins, or paths). With mounts the distributions are
    bind-mounted for the one ``RUN`` (no layer keeps them); without, they are copied.
    """
    command = (
        f"{prefix}pip install --no-cache-dir --no-index --find-links {wheel_dir} {requirement}"
    )
    if strip:
        command += f" && {STRIP}"
    if mounts:
        mount = f"--mount=type=bind,source={context_dir},target={wheel_dir}"
        return [CFLAGS, run(mount, command), CFLAGS_RESET]
    return [f"COPY {context_dir} {wheel_dir}", CFLAGS, run(command), CFLAGS_RESET]


def cog_env(predict: str, train: str, max_concurrency: int | None) -> list[str]:
    """What coglet reads at start-up: the predictor and trainer references, the concurrency."""
    lines: list[str] = []
    if predict:
        lines.append(f'ENV COG_PREDICT_TYPE_STUB="{predict}"')
    if train:
        lines.append(f'ENV COG_TRAIN_TYPE_STUB="{train}"')
    if max_concurrency is not None and max_concurrency > 0:
        lines.append(f"ENV COG_MAX_CONCURRENCY={max_concurrency}")
    return lines
