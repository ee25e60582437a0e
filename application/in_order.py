"""Run one piece of work per item on a few threads, and hand the results back in input order.

The Resolver's batch look-up (:meth:`~application.resolver.Resolver.inspect_many`) is this
over :meth:`~application.resolver.Resolver.inspect`. Only a batch needs threads, so the
executor is imported when the first result is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def in_input_order(
    work: Callable[[Item], Result], items: Sequence[Item], *, max_workers: int
) -> Generator[Result, None, None]:
    """``work(item)`` for each item, at most ``max_workers`` at once, yielded in input order.

    Each result is yielded as soon as it and every result before it are known. Nothing starts
    until the first result is asked for; closing the generator early (or an interrupt) starts
    nothing more, and work already running ends on its own. ``work`` should return its
    expected failures as values: an exception it raises is raised when its item's turn comes.
    """
    if not items:
        return
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    pool = ThreadPoolExecutor(max_workers=min(max_workers, len(items)))
    try:
        futures = [pool.submit(work, item) for item in items]
        for future in futures:
            yield future.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
