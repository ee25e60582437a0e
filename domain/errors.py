"""Every error this package raises on purpose.

One tree, so that ``except CogModelError`` catches everything cogmodel raises. Errors also
derive from the builtin that honestly matches (``ValueError`` for bad input, ``LookupError``
for a miss). Every error carries the data a caller branches on as attributes; the message is
for humans only and is never parsed (nothing in this package matches error text).

::

    CogModelError
    ├── InvalidInputError (ValueError)                      .reason
    │   ├── InvalidReferenceError                           .text
    │   ├── InvalidDigestError                              .text
    │   ├── InvalidPlatformError                            .text
    │   ├── ConfigError                                     .field .problems
    │   │   └── ConfigNotFoundError                         .filename .start_dir
    │   ├── SchemaError                                     .line .file .kind
    │   ├── InvalidJsonError                                .what .line
    │   ├── SourceError
    │   ├── HostFileError                                   .path .what .problem .limit
    │   ├── AmbiguousImageIdError                           .image_id .matches
    │   └── InputValidationError                            .problems
    ├── ImageNotFoundError (LookupError)                    .ref .location .detail
    │   └── PlatformNotFoundError                           .platform .available
    ├── NotCogModelError                                    .ref
    ├── InvalidLabelError                                   .ref .label .reason
    ├── AuthenticationError                                 .backend .registry .detail
    ├── BackendError                                        .backend .detail
    │   ├── BackendUnavailableError
    │   ├── ProtocolError
    │   ├── BuildError                                      .step .log_tail
    │   └── ContainerError                                  .exit_code .log_tail
    └── IntegrityError                                      .what .expected .actual

The command line maps these types (never their text) onto its exit codes: 2 for
``InvalidInputError``, 3 ``ImageNotFoundError``, 4 ``NotCogModelError``/``InvalidLabelError``,
5 ``AuthenticationError``, 6 ``BackendError``, 7 ``IntegrityError``.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.image_source import ImageSource


class CogModelError(Exception):
    """Base of every error cogmodel raises on purpose.

    ``misses``: when a look-up fell back from one place to another (the engine, then the
    registry) and the last place failed, the misses before it, in order (set by the Resolver).
    """

    misses: tuple[ImageNotFoundError, ...] = ()


# --------------------------------------------------------------------------- invalid input


class InvalidInputError(CogModelError, ValueError):
    """Input that breaks a documented rule. ``reason`` says which rule, in words."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class InvalidReferenceError(InvalidInputError):
    """``text`` is not a valid image reference; ``reason`` names the bad part and why."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"invalid image reference {text!r}: {reason}", reason=reason)
        self.text = text


class InvalidDigestError(InvalidInputError):
    """``text`` is not a valid content digest or image id."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"invalid digest {text!r}: {reason}", reason=reason)
        self.text = text


class InvalidPlatformError(InvalidInputError):
    """``text`` is not a platform of the form ``os/architecture[/variant]``."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"invalid platform {text!r}: {reason}", reason=reason)
        self.text = text


class ConfigError(InvalidInputError):
    """cog.yaml (or a ``run.cog.config`` document) breaks a rule.

    ``field`` is the dotted path of the offending field (``build.python_version``) or ``""``
    for the whole document; ``problems`` holds every problem found, in order, when
    validation collected several (Cog joins them with newlines). ``line`` is the 1-based line
    of the file the problem is on, when known, and ``file`` the file's name, when known; the
    message starts with them (``cog.yaml:3: …``, or ``line 3: …`` without a file). ``prefix`` is
    what comes before the reason (default ``"<field>: "``; ``""`` for a reason that names its
    field itself, as Cog's ``invalid build.python_version "3.8": …`` does).
    """

    def __init__(
        self,
        field: str,
        reason: str,
        *,
        problems: Sequence[str] = (),
        line: int | None = None,
        file: str = "",
        prefix: str | None = None,
    ) -> None:
        self.prefix = prefix if prefix is not None else (f"{field}: " if field else "")
        if file and line:
            location = f"{file}:{line}: "
        elif file or line:
            location = f"{file}: " if file else f"line {line}: "
        else:
            location = ""
        super().__init__(f"{location}{self.prefix}{reason}", reason=reason)
        self.field = field
        self.line = line
        self.file = file
        self.problems: tuple[str, ...] = tuple(problems) or (f"{location}{self.prefix}{reason}",)

    def located(self, *, file: str, line: int | None) -> ConfigError:
        """The same error, said to be in ``file`` (at ``line``, unless it knew its line)."""
        return ConfigError(
            self.field,
            self.reason,
            problems=self.problems,
            line=self.line or line,
            file=file,
            prefix=self.prefix,
        )


class ConfigNotFoundError(ConfigError):
    """No config file named ``filename`` in ``start_dir`` or any parent directory."""

    def __init__(self, filename: str, start_dir: str) -> None:
        super().__init__("", f"{filename} not found in {start_dir} (or in any parent directories)")
        self.filename = filename
        self.start_dir = start_dir


class SchemaError(InvalidInputError):
    """The predictor source cannot be turned into an OpenAPI schema.

    ``line`` is the 1-based source line of the offending construct, or ``None``; ``file`` the
    project-relative source file, or ``""``. ``kind`` names the rule that was broken (a
    ``domain.openapi.SchemaErrorKind`` value, which is a ``str``; ``""`` when unclassified):
    callers branch on it, never on the message.
    """

    def __init__(
        self, reason: str, *, line: int | None = None, file: str = "", kind: str = ""
    ) -> None:
        where = f"{file}:{line}: " if file and line else (f"line {line}: " if line else "")
        where = where or (f"{file}: " if file else "")
        super().__init__(f"{where}{reason}", reason=reason)
        self.line = line
        self.file = file
        self.kind = kind


class InvalidJsonError(InvalidInputError):
    """A JSON document from outside (a label, an ``--openapi-schema`` file) cannot be used.

    ``what`` names the document (``run.cog.openapi_schema``, a file name); ``line`` is the
    1-based line of the problem, or ``None``. Readers of labels turn this into
    :class:`InvalidLabelError`; elsewhere it is bad input.
    """

    def __init__(self, what: str, reason: str, *, line: int | None = None) -> None:
        where = f" (line {line})" if line else ""
        super().__init__(f"{what}: {reason}{where}", reason=reason)
        self.what = what
        self.line = line


class SourceError(InvalidInputError):
    """A build was asked for without a usable project source."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, reason=reason)


class HostFileError(InvalidInputError):
    """A file or path the user named on this machine cannot be used.

    ``what`` names the file's role (``cog.yaml``, ``--dockerfile``, ``input file``); ``path``
    is the path as given or resolved; ``problem`` is what is wrong, for code to branch on:
    ``"missing"``, ``"not_regular"`` (a directory, FIFO, device or socket: reading it could
    hang or never end), ``"too_large"`` (past ``limit`` bytes, a constant of
    :mod:`domain.limits`), ``"unreadable"`` (the system refused: permission, I/O) or
    ``"no_home"`` (``~user`` names no user). ``detail`` is the message's tail, in words.
    """

    def __init__(
        self, what: str, path: str, problem: str, detail: str, *, limit: int | None = None
    ) -> None:
        super().__init__(f"{what} {path}: {detail}", reason=detail)
        self.what = what
        self.path = path
        self.problem = problem
        self.limit = limit


class AmbiguousImageIdError(InvalidInputError, LookupError):
    """A short image id matches more than one local image."""

    def __init__(self, image_id: str, matches: Sequence[str]) -> None:
        shown = ", ".join(sorted(matches)[:5])
        super().__init__(
            f"image id {image_id!r} is ambiguous: it matches {len(matches)} images ({shown})",
            reason="ambiguous short image id",
        )
        self.image_id = image_id
        self.matches: tuple[str, ...] = tuple(sorted(matches))


class InputValidationError(InvalidInputError):
    """A model's inputs break its schema; ``problems`` holds every problem, in order.

    One error for all of them, so a user fixes every input at once. The message is the one
    problem, or ``input validation failed: (1) …; (2) …`` for several.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        listed = tuple(problems) or ("the inputs are invalid",)
        if len(listed) == 1:
            message = listed[0]
        else:
            message = "input validation failed: " + "; ".join(
                f"({number}) {problem}" for number, problem in enumerate(listed, 1)
            )
        super().__init__(message, reason="inputs break the model's schema")
        self.problems: tuple[str, ...] = listed


# --------------------------------------------------------------------------- lookups


class ImageNotFoundError(CogModelError, LookupError):
    """No image answers to ``ref`` at ``location``.

    ``ref`` is what was asked for, as text (a canonical reference or an image id);
    ``detail`` is an optional human explanation from the backend.
    """

    def __init__(self, ref: str, location: ImageSource, detail: str = "") -> None:
        where = "locally" if location is ImageSource.LOCAL else "in the registry"
        suffix = f": {detail}" if detail else ""
        super().__init__(f"image {ref} not found {where}{suffix}")
        self.ref = ref
        self.location = location
        self.detail = detail


class PlatformNotFoundError(ImageNotFoundError):
    """The image exists, but not for ``platform``; ``available`` lists the platforms it has."""

    def __init__(
        self, ref: str, location: ImageSource, platform: str, available: Sequence[str]
    ) -> None:
        have = ", ".join(available) if available else "none"
        super().__init__(ref, location, f"no image for platform {platform} (available: {have})")
        self.platform = platform
        self.available: tuple[str, ...] = tuple(available)


class NotCogModelError(CogModelError):
    """The image exists but has no ``run.cog.config`` label, so it is not a Cog model."""

    def __init__(self, ref: str) -> None:
        super().__init__(f"image {ref} is not a Cog model (it has no run.cog.config label)")
        self.ref = ref


class InvalidLabelError(CogModelError):
    """A Cog label is present but its value does not parse.

    Distinct from :class:`NotCogModelError`: the image claims to be a Cog model and is broken.
    """

    def __init__(self, label: str, reason: str, *, ref: str = "") -> None:
        where = f"image {ref}: " if ref else ""
        super().__init__(f"{where}label {label} is malformed: {reason}")
        self.label = label
        self.reason = reason
        self.ref = ref


# --------------------------------------------------------------------------- backends


class AuthenticationError(CogModelError):
    """The backend refused our credentials, or we had none it would accept."""

    def __init__(self, backend: str, detail: str, *, registry: str = "") -> None:
        where = f" for {registry}" if registry else ""
        # The backend's name is for code, not people: the message says what failed.
        super().__init__(f"authentication failed{where}: {detail}")
        self.backend = backend
        self.registry = registry
        self.detail = detail


class BackendError(CogModelError):
    """A backend (``docker``, ``registry``, …) failed in a way that is not a miss.

    The message is ``detail``, which says what failed in the user's terms (``cannot reach the
    Docker Engine at …``); ``backend`` is for code that branches on it, not for people.
    """

    def __init__(self, backend: str, detail: str) -> None:
        super().__init__(detail)
        self.backend = backend
        self.detail = detail


class BackendUnavailableError(BackendError):
    """The backend cannot be reached or did not answer in time."""


class ProtocolError(BackendError):
    """The backend answered, but not in a form we accept (malformed, oversized, truncated)."""


class BuildError(BackendError):
    """An image build failed. ``step`` is the failing step, ``log_tail`` the last output lines."""

    def __init__(
        self, detail: str, *, step: str = "", log_tail: Sequence[str] = (), backend: str = "build"
    ) -> None:
        super().__init__(backend, detail)
        self.step = step
        self.log_tail: tuple[str, ...] = tuple(log_tail)


class ContainerError(BackendError):
    """A container failed to start or exited unexpectedly."""

    def __init__(
        self,
        detail: str,
        *,
        exit_code: int | None = None,
        log_tail: Sequence[str] = (),
        backend: str = "docker",
    ) -> None:
        super().__init__(backend, detail)
        self.exit_code = exit_code
        self.log_tail: tuple[str, ...] = tuple(log_tail)


class IntegrityError(CogModelError):
    """Content does not match the digest it was fetched by or announced with."""

    def __init__(self, what: str, *, expected: str, actual: str) -> None:
        super().__init__(f"{what}: content digest {actual} does not match expected {expected}")
        self.what = what
        self.expected = expected
        self.actual = actual
