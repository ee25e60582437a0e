"""``cogmodel login [REGISTRY] [-u NAME] [--password-stdin]``: save registry credentials.

For any registry (default: ``--registry``/``COG_REGISTRY_HOST``, else r8.im), as Cog's generic
provider and ``docker login`` do: a user name (``-u``, or asked on the terminal) and a password
(``--password-stdin``, whose trailing newline is dropped as ``docker login`` drops it, or asked on
the terminal without echo), saved where Docker keeps credentials
(:class:`~application.ports.credential_store.CredentialStore`: the config's credential helper,
or its ``auths``). As in Cog, the registry is not asked: the credentials are checked when they
are first used.

Replicate's own login (a browser page that shows a token, or ``--token-stdin``) asks
replicate.com who the token belongs to; cogmodel does not do that, and says so (exit 2) rather
than save a token under a guessed name.
"""

from __future__ import annotations

import argparse
from urllib.parse import urlsplit

from adapters.cli.context import Context
from domain.errors import InvalidInputError
from domain.limits import MAX_SECRET_BYTES

_REPLICATE_FLOW = (
    "cogmodel does not support Replicate's token login (the browser page, or --token-stdin): "
    "it would have to ask replicate.com whose token it is. Use 'cog login', or log in with a "
    "user name: cogmodel login {host} -u NAME --password-stdin"
)


def run(ctx: Context, args: argparse.Namespace) -> int:
    """Save the credentials and say where.

    Raises:
        InvalidInputError: Replicate's token flow, an empty user name or password, one that is
            not UTF-8 text, a password over 1 MiB, or no way to ask for them (exit 2).
        AuthenticationError: the credential store refused them (exit 5).
    """
    host = _host(args.registry or ctx.replicate_host)
    if args.token_stdin or (host == ctx.replicate_host and not args.username):
        raise InvalidInputError(_REPLICATE_FLOW.format(host=host), reason="Replicate token login")
    username = _utf8("user name", args.username or _ask(ctx, "Username: ", secret=False))
    if not username.strip():
        raise InvalidInputError("username cannot be empty", reason="empty username")
    if args.password_stdin:
        password = _password_from_stdin(ctx)
    else:
        password = _ask(ctx, "Password: ", secret=True)
    if not password:
        raise InvalidInputError("password cannot be empty", reason="empty password")
    password = _utf8("password", password)
    store = ctx.container.credential_store()
    where = store.store(host, username.strip(), password)
    ctx.out(f"Saved the credentials for {host} in {where} (checked when first used)")
    return 0


def _password_from_stdin(ctx: Context) -> str:
    """The password on stdin, its trailing newline dropped as ``docker login`` drops it.

    Raises:
        InvalidInputError: more than :data:`~domain.limits.MAX_SECRET_BYTES`, or not text.
    """
    try:
        text = ctx.read_stdin(max_bytes=MAX_SECRET_BYTES, what="--password-stdin")
    except UnicodeDecodeError as exc:
        raise _not_text("password") from exc
    return text.removesuffix("\n").removesuffix("\r")


def _utf8(what: str, text: str) -> str:
    """``text``, if it is UTF-8 text: bytes the locale could not decode (``sys.stdin`` and
    ``sys.argv`` keep them as lone surrogates) are refused here, before any store is written.

    Raises:
        InvalidInputError: ``text`` holds such bytes.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _not_text(what) from exc
    return text


def _not_text(what: str) -> InvalidInputError:
    return InvalidInputError(f"the {what} is not UTF-8 text", reason=f"{what} not text")


def _host(text: str) -> str:
    """``host[:port]`` of a registry given as a host or a URL (``https://host/v1/``)."""
    host = urlsplit(text).netloc if "://" in text else text.split("/", 1)[0]
    if not host:
        raise InvalidInputError(f"not a registry host: {text!r}", reason="bad registry")
    return host


def _ask(ctx: Context, prompt: str, *, secret: bool) -> str:
    stdin = ctx.stdin
    isatty = getattr(stdin, "isatty", None)
    if stdin is None or isatty is None or not isatty():
        what = "password" if secret else "user name"
        flag = "--password-stdin" if secret else "-u NAME"
        raise InvalidInputError(
            f"no terminal to ask for the {what} on: give it with {flag}",
            reason="non-interactive login",
        )
    if secret:
        import getpass

        return getpass.getpass(prompt, stream=ctx.stderr)
    ctx.stderr.write(prompt)
    ctx.stderr.flush()
    return stdin.readline().rstrip("\n")
