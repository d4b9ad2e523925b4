"""A small least-recently-used cache that many threads may share."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LockedLRU(Generic[K, V]):
    """At most size values (and budget weight, if given) by key; least recent goes first."""

    def __init__(
        self, size: int, weigh: Callable[[V], int] | None = None, budget: int | None = None
    ) -> None:
        self.size = size
        self.weigh = weigh
        self.budget = budget
        self.weight = 0
        self.items: OrderedDict[K, V] = OrderedDict()
        self.lock = Lock()

    def get(self, key: K) -> V | None:
        """The value kept under key, if any (it becomes the most recently used)."""
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        """Keep value under key, dropping the least recently used beyond size or budget."""
        with self.lock:
            old = self.items.pop(key, None)
            if old is not None:
                self.weight -= self.weight_of(old)
            self.items[key] = value
            self.weight += self.weight_of(value)
            while len(self.items) > self.size or (
                self.budget is not None and self.weight > self.budget and len(self.items) > 1
            ):
                _, dropped = self.items.popitem(last=False)
                self.weight -= self.weight_of(dropped)

    def weight_of(self, value: V) -> int:
        """What value counts against the budget (0 without a weigh function)."""
        return self.weigh(value) if self.weigh is not None else 0
