#!/usr/bin/env python3
"""Run real asyncio programs on a virtual clock and report what they print, as JSON Lines.

This is the CPython side of asim's differential tests.  It runs ordinary asyncio programs
(files that end with ``asyncio.run(main())``) on CPython's own, unmodified event loop, but with
a virtual clock, so that every step takes zero time and the clock only moves when the loop
would block waiting for its next timer (asyncio-notes.md, section 12).

Usage::

    python3 tests/harness/vclock.py [options] PROGRAM.py [PROGRAM2.py ...]

Options:

    -j N, --jobs N   run up to N programs at once (default: the number of CPUs); the output
                     is byte-identical whatever N is, since nothing depends on real time
    --stderr         let the programs' stderr through (tracebacks, asyncio's log messages);
                     anything the programs write to stdout other than through print() goes to
                     stderr too.  By default both are discarded.
    --report         add to the end event, as "report", the traceback Python prints for the
                     exception the program ended with
    --trace          write an iteration trace to stderr: for every loop iteration the clock,
                     the select() timeout, the ready queue and the timer heap (in heap-array
                     order), then every handle that runs and every captured print
    --timeout S      wall-clock seconds a program may take (default 30); a program that runs
                     longer (e.g. ``while True: await asyncio.sleep(1)``) is killed and
                     reported as an error of type ``HarnessTimeout``

Output (UTF-8, one JSON object per line, floats written by ``json.dumps``, i.e. repr-exact):

* only when more than one program is given, ``{"event": "program", "path": P}`` before the
  events of each program;
* one ``{"t": T, "task": NAME, "event": "print", "text": TEXT}`` per print() call that writes
  to the program's stdout: T is ``loop.time()`` (the virtual clock), NAME is
  ``asyncio.current_task().get_name()`` or ``"(no task)"``, TEXT is exactly what print() would
  write (``sep`` and ``end`` honoured) without the final ``end`` string (normally ``"\\n"``);
* a final ``{"event": "end", "t": T, "elapsed": E, "outcome": O, "error": ERR}``: T is the
  clock when the program finished; E is the clock when the last event loop was closed (the
  end of ``asyncio.run``), or when the deadlock was found; O is ``"ok"``, ``"error"`` (the
  program ended with an uncaught exception, normally the one ``asyncio.run`` raised) or
  ``"deadlock"``; ERR is ``null`` or ``{"type": exc.__class__.__name__, "message": str(exc),
  "traceback": [...]}`` with the ``chain`` and group ``exceptions`` Python's report shows
  (``_error_obj``).
  ``sys.exit()`` / ``sys.exit(0)`` count as "ok".  Harness failures are reported as outcome
  "error" with type ``HarnessTimeout`` or ``HarnessChildDied``.

Hashing.  The harness runs with ``PYTHONHASHSEED=0`` (it re-executes itself with it), so a
str's hash, and the iteration order of a set of strings, are the same on every run: the ones
asim computes.

Isolation.  Every program runs in its own child process, forked from this process before any
asyncio task exists, so each program starts with a fresh ``__main__`` namespace
(``runpy.run_path(path, run_name="__main__")``), a clock at 0.0 and the C ``_asyncio`` module's
process-global ``Task-N`` counter at its initial value (the first task is ``Task-1``).  The child
streams its JSON lines through a pipe; the parent copies them to stdout in program order.
The child ends with ``os._exit`` after running ``atexit`` handlers, so interpreter finalisation
(garbage collection of leftover objects) does not happen.

What is virtual (the only changes to the loop itself):

* ``VirtualClockLoop`` subclasses ``asyncio.SelectorEventLoop``.  ``time()`` returns a float
  counter that starts at 0.0.  It is process-global, like ``time.monotonic()``, so a program
  that calls ``asyncio.run`` twice sees the clock continue.
* The loop's selector is wrapped.  ``select(timeout)`` with ``timeout > 0`` does
  ``now = now + timeout`` (exactly that float operation) and polls the real selector with 0;
  ``timeout == 0`` polls with 0; ``timeout is None`` polls with 0 and, if nothing is ready,
  no file descriptor other than the loop's self-pipe is registered, no executor job (nor the
  executor shutdown of ``asyncio.run``) is in flight and no thread other than the main thread
  and ThreadPoolExecutor workers is alive, declares a deadlock: the loop is marked dead, the
  exception ``VirtualDeadlock`` (a BaseException) is raised out of ``_run_once``, and every
  later ``_run_once`` of any
  virtual loop raises it again, so nothing further runs (``asyncio.run``'s shutdown calls
  ``task.cancel()``, which only queues callbacks, then fails at once; no coroutine code and no
  ``finally`` block runs).  Prints are no longer recorded from that moment.  Otherwise (real
  fds registered, executor jobs running, other threads alive) it really blocks.
  ``run_in_executor`` and ``shutdown_default_executor`` are overridden only to keep that
  in-flight count around the genuine methods.
* ``time.sleep(s)`` called from the main thread advances the clock by ``s`` (``now = now + s``)
  without sleeping.  Its argument checks copy the real function's (ValueError for negative
  or NaN, OverflowError beyond 2**63 ns, TypeError for other types).  In other threads it
  really sleeps.  ``time.monotonic()`` called from the main thread returns the virtual clock
  (it is the loop's clock: ``loop.time()`` is ``time.monotonic()`` in CPython);
  ``time.time``/``perf_counter`` are NOT virtual.
* ``builtins.print`` is replaced while a program runs: a call whose target is the program's
  stdout (``file`` None or ``sys.stdout`` as it was when the program started) is recorded;
  calls to any other file (stderr, a StringIO, a ``redirect_stdout`` target) are passed to the
  real print.  The text is produced by the real print writing into a StringIO, so formatting
  and argument errors are exactly print's.
* The event loop policy is replaced by one whose ``new_event_loop()`` returns a
  ``VirtualClockLoop``; then the program's own ``asyncio.run`` runs, i.e. the genuine Runner,
  ``_run_until_complete_cb``, ``_cancel_all_tasks``, ``shutdown_asyncgens`` and
  ``shutdown_default_executor``.  The real ``_run_once``, heapq, C Task and Future, and
  ``clock_resolution`` (1e-9 on Linux) are used.  ``loop.create_task`` and
  ``loop.create_future`` are overridden only to record a creation number (see below) after
  calling the genuine method; a task factory is deliberately NOT used, because with a factory
  ``loop.create_task(coro, name=...)`` would consume a ``Task-N`` number that it otherwise
  does not consume.

Deterministic set order (what is patched, and why).  CPython 3.11 iterates Python sets of
tasks in a few places, so the order depends on object addresses (asyncio-notes.md 4.2, 7.5,
7.6, 8.3, 10.5).  asim pins all of these to task creation order; this harness does the same:

* Every task created through ``loop.create_task`` (i.e. ``asyncio.create_task``,
  ``TaskGroup.create_task``, ``ensure_future``, ``gather``, ``wait_for``, ``shield``, the
  Runner's main task, ...) and every future created through ``loop.create_future`` gets the
  next number of a creation counter, kept in a ``WeakKeyDictionary`` (C tasks have no
  ``__dict__``).  Objects that never went through those methods (``asyncio.Task(...)``
  called directly, a bare ``asyncio.Future()``, a coroutine object) get a number the first
  time one of the ordered sets below sees them, i.e. in insertion (argument) order.
* ``asyncio.tasks.all_tasks`` (also exported as ``asyncio.all_tasks``) returns a
  ``PinnedSet``: a ``set`` subclass that iterates (and ``pop``s, and reprs) in creation order.
  This pins ``asyncio.runners._cancel_all_tasks`` (which calls ``tasks.all_tasks``): the
  cancel() calls at shutdown, the ``gather`` over them and the error reports go in creation
  order.  ``_cancel_all_tasks`` itself is replaced by a copy that then frees its set in that
  order too (a set is freed in hash-table order): a task freed there is logged "never
  retrieved" in a fixed order.
* The garbage collector is off while the program runs: when it would free objects in
  reference cycles depends on allocation counts (``gc.disable()`` in ``run_program``).
* asyncio's log messages and Python's warnings are recorded as ``warning`` events, with the
  exception a log message carries (``_WarningCapture``, ``_captured_showwarning``).
* ``TaskGroup._abort`` is replaced by a version that cancels the not-yet-done children in
  creation order instead of iterating ``self._tasks`` (a set).  Nothing else of TaskGroup
  changes.
* The module ``asyncio.tasks`` gets a global name ``set`` bound to ``PinnedSet``.  It shadows
  the builtin only for code in tasks.py, where ``set`` is called in exactly three places:
  ``wait`` (``fs = set(fs)``), ``_wait`` (``done, pending = set(), set()``) and
  ``as_completed`` (``{ensure_future(f) for f in set(fs)}``).  So ``wait``'s ``done`` and
  ``pending`` iterate in creation order, and ``as_completed`` turns coroutines into tasks in
  argument order (so their ``Task-N`` names and first steps follow the argument order).
* ``as_completed`` is CPython's own function recompiled from its source with one change:
  ``todo = {ensure_future(f, loop=loop) for f in set(fs)}`` (a set comprehension, which
  builds a builtin set whatever the name ``set`` means) becomes
  ``todo = set(ensure_future(f, loop=loop) for f in set(fs))``.  ``todo`` is iterated to add
  one done callback per future; for futures that are already done the callbacks are queued
  at once, in that order, so it decides the order of their results (difftest seed 20345290
  found this).  Now it is creation order, as in asim.
* The loop's ``_asyncgens`` (a WeakSet of live async generators, iterated by
  ``shutdown_asyncgens`` to ``aclose()`` them) is replaced by an insertion-ordered weak set,
  so leftover async generators are closed in first-iteration order.

``--set-order`` (asim's flag, with the same values) changes the pinned order: ``reverse``
sorts tasks newest first, ``shuffle:SEED`` by ``set_order_key`` (the same hash as asim's
``SetOrder::key``, of the seed and the task's creation number: 1 for the first task, counted
in ``create_task`` for every task, named or not); futures that are not tasks follow, in creation order, then the rest in
insertion order (so ``as_completed`` still turns coroutines into tasks in argument order).

Everything else (user code that builds its own sets of tasks, ``gather`` over such sets, ...)
keeps CPython's address-dependent order.

Known limitations: real I/O, threads and subprocesses still take real time (and a virtual
timeout may be passed while they are in flight); time.time/perf_counter read the
real clock; only ``print`` output is recorded (direct ``sys.stdout.write`` is discarded, or
sent to stderr with ``--stderr``).

The module can also be imported: ``run_program(path, emit)`` runs one program in the current
process (the Task-N counter is then whatever the process has used so far), ``run_files(paths)``
is the CLI.
"""

from __future__ import annotations

import argparse
import asyncio
import asyncio.base_events
import asyncio.events
import asyncio.runners
import asyncio.taskgroups
import asyncio.tasks
import atexit
import builtins
import collections
import gc
import io
import itertools
import json
import logging
import operator
import os
import re
import runpy
import selectors
import signal
import sys
import threading
import time
import traceback
import warnings
import weakref

__all__ = [
    "VirtualDeadlock",
    "VirtualClockLoop",
    "VirtualClockPolicy",
    "PinnedSet",
    "install_patches",
    "run_program",
    "run_files",
    "now",
    "main",
]

_REAL_PRINT = builtins.print
_REAL_SLEEP = time.sleep
_REAL_MONOTONIC = time.monotonic


def _virtual_monotonic():
    """``time.monotonic`` on the virtual clock (main thread), the real one elsewhere."""
    if threading.current_thread() is threading.main_thread():
        return _state.now
    return _REAL_MONOTONIC()


class VirtualDeadlock(BaseException):
    """Raised out of the event loop when it would block forever: nothing can ever run again."""


class _State:
    """Process-global harness state (one program per process, so one state)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.now = 0.0                 # the virtual clock
        self.deadlocked = False
        self.deadlock_time = None      # clock when the deadlock was found
        self.loop_closed_time = None   # clock when a virtual loop was last closed
        self.capturing = False
        self.emit = None               # callable(dict) for print events
        self.prog_stdout = None        # sys.stdout as it was when the program started
        self.trace = None              # callable(str) or None
        self.in_flight = 0             # executor jobs submitted and not yet finished
        self.in_flight_lock = threading.Lock()
        self.name_tasks = False        # name unnamed tasks Task-N here (run_in_process)
        self.task_names = 0            # the Task-N numbers given so far
        self.deadline = None           # real time.monotonic() after which the program stops
        self.timed_out = False


_state = _State()


def now() -> float:
    """The current virtual time."""
    return _state.now


# ---------------------------------------------------------------------------------------------
# Creation order, and sets that iterate in it


_creation_seq: "weakref.WeakKeyDictionary[object, int]" = weakref.WeakKeyDictionary()
_creation_counter = itertools.count()


def _note_created(obj) -> None:
    try:
        _creation_seq[obj] = next(_creation_counter)
    except TypeError:  # not weak-referenceable: cannot happen for tasks and futures
        pass


# The set order (``--set-order``, as asim's): "creation", "reverse" or ("shuffle", SEED).
_set_order = "creation"
# Each task's ``Task-N`` number: in 3.11 every task made through ``loop.create_task`` by
# ``asyncio.create_task``, ``TaskGroup.create_task`` and the Runner takes one, named or not,
# so counting them here gives the same N as asim (each program runs in a fresh child).
_task_number: "weakref.WeakKeyDictionary[object, int]" = weakref.WeakKeyDictionary()
_task_counter = itertools.count(1)

_MASK = (1 << 64) - 1


def _mix(z: int) -> int:
    """splitmix64's finaliser, as asim's ``set_order::mix``."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def set_order_key(num: int) -> int:
    """asim's ``SetOrder::key`` of the task numbered ``num``."""
    if _set_order == "creation":
        return num
    if _set_order == "reverse":
        return _MASK - num
    seed = _set_order[1]
    return _mix((seed + num * 0x9E3779B97F4A7C15) & _MASK)


def parse_set_order(text: str):
    if text in ("creation", "reverse"):
        return text
    if text.startswith("shuffle:") and text[8:].isdigit():
        return ("shuffle", int(text[8:]))
    raise argparse.ArgumentTypeError(f"not a set order: {text!r}")


def creation_number(obj):
    """The creation number of a task or future; assigned now if it has none yet (or None)."""
    try:
        seq = _creation_seq.get(obj)
        if seq is None:
            seq = next(_creation_counter)
            _creation_seq[obj] = seq
        return seq
    except TypeError:
        return None


class PinnedSet(set):
    """A ``set`` whose iteration order is the creation order of its elements.

    Elements without a creation number receive one when they are inserted, in insertion
    order; elements that cannot carry one (not weak-referenceable) come after all others,
    in insertion order.  Only iteration (and what is built on it here: ``pop``, ``repr``,
    ``copy``) differs from ``set``; binary operators return plain sets.
    """

    __slots__ = ("_extra",)

    def __init__(self, iterable=()):
        items = list(iterable)
        self._extra = {}
        for x in items:
            self._register(x)
        super().__init__(items)

    def _register(self, x) -> None:
        if not hasattr(self, "_extra"):
            self._extra = {}
        if creation_number(x) is None and id(x) not in self._extra:
            self._extra[id(x)] = len(self._extra)

    def _key(self, x):
        try:
            seq = _creation_seq.get(x)
            num = _task_number.get(x)
        except TypeError:  # not weak-referenceable
            seq = num = None
        if _set_order != "creation":
            # Tasks in the chosen order; then other futures in creation order; then the rest.
            if num is not None:
                return (0, set_order_key(num))
            if seq is not None:
                return (1, seq)
            extra = getattr(self, "_extra", None) or {}
            return (2, extra.get(id(x), 0))
        if seq is not None:
            return (0, seq)
        extra = getattr(self, "_extra", None) or {}
        return (1, extra.get(id(x), 0))

    def add(self, x) -> None:
        self._register(x)
        super().add(x)

    def __iter__(self):
        return iter(sorted(set.__iter__(self), key=self._key))

    def pop(self):
        for x in self:
            self.discard(x)
            return x
        return super().pop()  # raises KeyError('pop from an empty set')

    def copy(self):
        return PinnedSet(self)

    def __repr__(self) -> str:
        if not self:
            return "set()"
        return "{" + ", ".join(repr(x) for x in self) + "}"


class _OrderedWeakSet:
    """Replacement for the loop's ``_asyncgens`` WeakSet that iterates in insertion order."""

    def __init__(self) -> None:
        self._d = weakref.WeakKeyDictionary()

    def add(self, x) -> None:
        self._d[x] = None

    def discard(self, x) -> None:
        self._d.pop(x, None)

    def clear(self) -> None:
        self._d.clear()

    def __len__(self) -> int:
        return len(self._d)

    def __contains__(self, x) -> bool:
        return x in self._d

    def __iter__(self):
        return iter(list(self._d.keys()))


_orig_all_tasks = asyncio.tasks.all_tasks


def _pinned_all_tasks(loop=None):
    """``asyncio.all_tasks`` with the result iterating in task creation order."""
    return PinnedSet(_orig_all_tasks(loop))


def _pinned_abort(self):
    """``TaskGroup._abort`` cancelling the children in creation order instead of set order."""
    self._aborting = True
    for t in PinnedSet(self._tasks):
        if not t.done():
            t.cancel()


_patches_installed = False


def _pinned_cancel_all_tasks(loop):
    """``asyncio.runners._cancel_all_tasks`` of 3.11.7, and then its ``to_cancel`` set freed
    in the pinned iteration order (CPython frees a set's items in hash-table order, which
    depends on memory addresses): a task nothing else refers to goes then, and with it what
    it held (a failed task in its locals is "never retrieved")."""
    to_cancel = asyncio.tasks.all_tasks(loop)
    if not to_cancel:
        return

    for task in to_cancel:
        task.cancel()

    loop.run_until_complete(asyncio.tasks.gather(*to_cancel, return_exceptions=True))

    for task in to_cancel:
        if task.cancelled():
            continue
        if task.exception() is not None:
            loop.call_exception_handler({
                'message': 'unhandled exception during asyncio.run() shutdown',
                'exception': task.exception(),
                'task': task,
            })
    order = list(to_cancel)
    del task
    to_cancel.clear()
    while order:
        order.pop(0)


# The code of the asyncio functions replaced above, as they read in 3.11 to 3.14: the copies
# are only right while the originals are these.
_REPLACED_SOURCES = {
    "runners._cancel_all_tasks": """def _cancel_all_tasks(loop):
    to_cancel = tasks.all_tasks(loop)
    if not to_cancel:
        return

    for task in to_cancel:
        task.cancel()

    loop.run_until_complete(tasks.gather(*to_cancel, return_exceptions=True))

    for task in to_cancel:
        if task.cancelled():
            continue
        if task.exception() is not None:
            loop.call_exception_handler({
                'message': 'unhandled exception during asyncio.run() shutdown',
                'exception': task.exception(),
                'task': task,
            })
""",
    "taskgroups.TaskGroup._abort": """def _abort(self):
    self._aborting = True

    for t in self._tasks:
        if not t.done():
            t.cancel()
""",
}


def _check_replaced_sources() -> None:
    import inspect
    import textwrap

    for name, expected in _REPLACED_SOURCES.items():
        obj = asyncio
        for part in name.split("."):
            obj = getattr(obj, part)
        if textwrap.dedent(inspect.getsource(obj)) != expected:
            raise RuntimeError(f"asyncio.{name} is not the code this harness replaces "
                               f"(Python {sys.version.split()[0]}): update vclock.py")


def install_patches() -> None:
    """Pin the set iteration orders described in the module docstring (idempotent)."""
    global _patches_installed
    if _patches_installed:
        return
    _check_replaced_sources()
    if EMSCRIPTEN:
        # Pyodide 0.27+ wraps asyncio.run (pyodide/webloop.py: run_until_complete on its own
        # loop when that is running, else the original): the genuine one, as in CPython.
        asyncio.run = asyncio.runners.run
    asyncio.tasks.all_tasks = _pinned_all_tasks
    asyncio.all_tasks = _pinned_all_tasks
    asyncio.taskgroups.TaskGroup._abort = _pinned_abort
    asyncio.runners._cancel_all_tasks = _pinned_cancel_all_tasks
    asyncio.tasks.set = PinnedSet  # shadows the builtin inside tasks.py only
    _pin_as_completed()
    _patches_installed = True


_TODO_SET = re.compile(r"todo = \{ensure_future\((\w+), loop=loop\) for \1 in set\((\w+)\)\}")


def _pin_as_completed() -> None:
    """Recompile the code of ``as_completed`` that builds its ``todo`` set with the pinned
    ``set``: ``as_completed`` itself up to 3.12, ``_AsCompletedIterator`` (its ``__init__``)
    from 3.13, where the function was rewritten around that class.  The one change is
    ``todo = {ensure_future(f, loop=loop) for f in set(fs)}`` (a set comprehension, which
    builds a builtin set whatever ``set`` means) into
    ``todo = set(ensure_future(f, loop=loop) for f in set(fs))``."""
    import inspect

    tasks = asyncio.tasks
    name = "_AsCompletedIterator" if hasattr(tasks, "_AsCompletedIterator") else "as_completed"
    src = inspect.getsource(getattr(tasks, name))
    if len(_TODO_SET.findall(src)) != 1:
        raise RuntimeError(f"asyncio.tasks.{name} does not build its todo set as this harness expects")
    src = _TODO_SET.sub(r"todo = set(ensure_future(\1, loop=loop) for \1 in set(\2))", src)
    namespace: dict = {}
    exec(compile(src, tasks.__file__, "exec"), tasks.__dict__, namespace)
    setattr(tasks, name, namespace[name])
    if name == "as_completed":
        asyncio.as_completed = namespace[name]


# ---------------------------------------------------------------------------------------------
# The virtual-clock loop


def _foreign_threads() -> bool:
    """True if a thread other than the main thread and idle-able executor workers is alive.

    Such a thread might still call ``loop.call_soon_threadsafe``, so blocking is not proven
    to be a deadlock.  ThreadPoolExecutor workers are accounted for by the in-flight count.
    """
    import concurrent.futures.thread as cft

    main_thread = threading.main_thread()
    for t in threading.enumerate():
        if t is main_thread or getattr(t, "_target", None) is cft._worker:
            continue
        return True
    return False


class _VirtualSelector:
    """Delegates to the real selector, except that ``select`` advances the virtual clock."""

    def __init__(self, real, loop) -> None:
        self._vc_real = real
        self._vc_loop = loop

    def __getattr__(self, name):
        return getattr(self._vc_real, name)

    def _vc_only_self_pipe(self) -> bool:
        try:
            fds = set(self._vc_real.get_map().keys())
        except (RuntimeError, ValueError):
            return True
        ssock = getattr(self._vc_loop, "_ssock", None)
        if ssock is not None:
            try:
                fds.discard(ssock.fileno())
            except OSError:
                pass
        return not fds

    def select(self, timeout=None):
        loop = self._vc_loop
        loop._vc_iteration += 1
        if _state.deadline is not None and loop._vc_iteration % 64 == 0 \
                and _REAL_MONOTONIC() > _state.deadline:
            _state.timed_out = True
            _state.capturing = False
            raise HarnessTimeout("program stopped after the wall-clock timeout")
        if _state.trace is not None:
            _trace_iteration(loop, timeout)
        if timeout is None:
            events = self._vc_real.select(0)
            if events:
                return events
            if self._vc_only_self_pipe() and _state.in_flight == 0 and not _foreign_threads():
                _state.deadlocked = True
                _state.deadlock_time = _state.now
                _state.capturing = False
                if _state.trace is not None:
                    _state.trace(f"  DEADLOCK at t={_state.now!r}")
                raise VirtualDeadlock(f"the event loop would block forever at t={_state.now!r}")
            return self._vc_real.select(None)
        if timeout > 0:
            _state.now = _state.now + timeout
            if _state.trace is not None:
                _state.trace(f"  clock -> {_state.now!r}")
        return self._vc_real.select(0)


# Under Pyodide (CPython compiled to WebAssembly, sys.platform "emscripten") there are no
# sockets for a selector loop's self-pipe, no threads and no fork: the loop is a
# BaseEventLoop whose "real selector" never has anything to report.
EMSCRIPTEN = sys.platform == "emscripten"


class _NullSelector:
    """The real selector of a loop with no file descriptors at all (Pyodide)."""

    def select(self, timeout=None):
        return []

    def get_map(self):
        return {}

    def close(self) -> None:
        pass


class HarnessTimeout(BaseException):
    """Raised out of the event loop when a program ran longer than its budget (Pyodide)."""


_LOOP_BASE = asyncio.BaseEventLoop if EMSCRIPTEN else asyncio.SelectorEventLoop


class VirtualClockLoop(_LOOP_BASE):
    """The normal selector event loop, with ``time()`` reading the virtual clock.

    Under Pyodide, a ``BaseEventLoop`` with the same virtual selector over a
    ``_NullSelector``: only the parts that touch sockets differ (no self-pipe to
    write to, no I/O events to process)."""

    def __init__(self, selector=None) -> None:
        if EMSCRIPTEN:
            super().__init__()
            self._selector = _VirtualSelector(_NullSelector(), self)
        else:
            super().__init__(selector)
            self._selector = _VirtualSelector(self._selector, self)
        self._asyncgens = _OrderedWeakSet()
        self._vc_iteration = 0

    if EMSCRIPTEN:
        def _process_events(self, event_list) -> None:
            pass

        def _write_to_self(self) -> None:
            pass

    def time(self) -> float:
        return _state.now

    def create_task(self, coro, **kwargs):
        if _state.name_tasks and kwargs.get("name") is None:
            # The name the C Task would give: the Task-N counter counts the tasks created
            # without a name (see ``run_in_process``).
            _state.task_names += 1
            kwargs["name"] = f"Task-{_state.task_names}"
        task = super().create_task(coro, **kwargs)
        _note_created(task)
        _task_number[task] = next(_task_counter)
        return task

    def create_future(self):
        fut = super().create_future()
        _note_created(fut)
        return fut

    def _run_once(self):
        if _state.deadlocked:
            raise VirtualDeadlock("the event loop deadlocked earlier; nothing may run")
        if _state.timed_out:
            raise HarnessTimeout("the program ran out of time earlier; nothing may run")
        super()._run_once()

    def run_in_executor(self, executor, func, *args):
        fut = super().run_in_executor(executor, func, *args)
        # fut is an asyncio future wrapping a concurrent one; count it until it is done.
        with _state.in_flight_lock:
            _state.in_flight += 1

        def _done(_f):
            with _state.in_flight_lock:
                _state.in_flight -= 1

        fut.add_done_callback(_done)
        return fut

    async def shutdown_default_executor(self, *args, **kwargs):
        # The genuine method joins the executor in a helper thread, which then wakes the loop
        # through call_soon_threadsafe: count it as in-flight work, not a deadlock.
        with _state.in_flight_lock:
            _state.in_flight += 1
        try:
            return await super().shutdown_default_executor(*args, **kwargs)
        finally:
            with _state.in_flight_lock:
                _state.in_flight -= 1

    def close(self) -> None:
        super().close()
        _state.loop_closed_time = _state.now


# 3.14 deprecates the public policy names (using them warns): there the private one.
_BasePolicy = getattr(getattr(asyncio, "unix_events", None), "_DefaultEventLoopPolicy", None) \
    or asyncio.DefaultEventLoopPolicy


class VirtualClockPolicy(_BasePolicy):
    """Event loop policy whose ``new_event_loop()`` returns a ``VirtualClockLoop``."""

    _loop_factory = VirtualClockLoop


def _set_policy(policy) -> None:
    """``asyncio.set_event_loop_policy`` without 3.14's deprecation warning."""
    setter = getattr(asyncio.events, "_set_event_loop_policy", None) \
        or asyncio.events.set_event_loop_policy
    setter(policy)


# ---------------------------------------------------------------------------------------------
# print and time.sleep replacements


def _current_task_name() -> str:
    try:
        task = asyncio.tasks.current_task()
    except RuntimeError:
        task = None
    if task is None:
        return "(no task)"
    return task.get_name()


def _captured_print(*args, sep=" ", end="\n", file=None, flush=False):
    target = sys.stdout if file is None else file
    if not _state.capturing or _state.emit is None or target is not _state.prog_stdout:
        if _state.deadlocked and target is _state.prog_stdout:
            return None  # nothing runs after a deadlock; drop stray output
        return _REAL_PRINT(*args, sep=sep, end=end, file=file, flush=flush)
    buf = io.StringIO()
    _REAL_PRINT(*args, sep=sep, end=end, file=buf)
    text = buf.getvalue()
    final = "\n" if end is None else end
    if final and text.endswith(final):
        text = text[: -len(final)]
    name = _current_task_name()
    if _state.trace is not None:
        _state.trace(f"    print[{name}] {text!r}")
    _state.emit({"t": _state.now, "task": name, "event": "print", "text": text})
    return None


class _WarningCapture(logging.Handler):
    """asyncio's log messages ("Task exception was never retrieved", ...), as warning events."""

    def __init__(self, path):
        super().__init__()
        self.path = path

    def emit(self, record):
        if _state.capturing and _state.emit is not None:
            event = {"t": _state.now, "task": _current_task_name(), "event": "warning",
                     "text": record.getMessage()}
            if record.exc_info and record.exc_info[1] is not None:
                event["error"] = _error_obj(record.exc_info[1], self.path)
            _state.emit(event)


_REAL_SHOWWARNING = warnings.showwarning


def _captured_showwarning(message, category, filename, lineno, file=None, line=None):
    """A warning the warnings filters let through ("coroutine ... was never awaited")."""
    if _state.capturing and _state.emit is not None:
        _state.emit({"t": _state.now, "task": _current_task_name(), "event": "warning",
                     "text": f"{category.__name__}: {message}"})
    else:
        _REAL_SHOWWARNING(message, category, filename, lineno, file, line)


_MAX_NS = 2**63


def _virtual_sleep(secs):
    """``time.sleep`` on the virtual clock: ``now = now + secs``, no real waiting."""
    if threading.current_thread() is not threading.main_thread():
        return _REAL_SLEEP(secs)
    if isinstance(secs, float):
        if secs != secs:
            raise ValueError("Invalid value NaN (not a number)")
        if abs(secs) * 1e9 >= _MAX_NS:
            raise OverflowError("timestamp out of range for platform time_t")
    elif isinstance(secs, int):
        if abs(secs) * 10**9 >= _MAX_NS:
            raise OverflowError("timestamp too large to convert to C _PyTime_t")
    elif hasattr(type(secs), "__float__"):
        return _virtual_sleep(float(secs))
    elif hasattr(type(secs), "__index__"):
        return _virtual_sleep(operator.index(secs))
    else:
        raise TypeError(f"'{type(secs).__name__}' object cannot be interpreted as an integer")
    if secs < 0:
        raise ValueError("sleep length must be non-negative")
    if _state.deadlocked:
        return None
    _state.now = _state.now + secs
    if _state.trace is not None:
        _state.trace(f"    time.sleep({secs!r}) -> clock {_state.now!r}")
    return None


# ---------------------------------------------------------------------------------------------
# Tracing


def _describe_task(obj) -> str:
    if isinstance(obj, asyncio.Future) and hasattr(obj, "get_name"):
        try:
            return obj.get_name()
        except Exception:
            pass
    return type(obj).__name__


def _waiters_of(fut) -> str:
    names = []
    for entry in getattr(fut, "_callbacks", None) or ():
        cb = entry[0] if isinstance(entry, tuple) else entry
        owner = getattr(cb, "__self__", None)
        if owner is not None and isinstance(owner, asyncio.Task):
            names.append(owner.get_name())
        else:
            names.append(getattr(cb, "__qualname__", type(cb).__name__))
    return ",".join(names)


def _describe_arg(a) -> str:
    if isinstance(a, asyncio.Task):
        return f"Task {a.get_name()}"
    if isinstance(a, asyncio.Future):
        return f"fut({_waiters_of(a)})"
    r = repr(a)
    return r if len(r) <= 40 else r[:37] + "..."


def _describe_handle(h) -> str:
    cb = h._callback
    args = h._args or ()
    if cb is None:
        text = "<cancelled>"
    elif type(cb).__name__ == "TaskStepMethWrapper":
        text = f"step[{_describe_task(getattr(cb, '__self__', None))}]"
    elif isinstance(getattr(cb, "__self__", None), asyncio.Task):
        name = getattr(cb, "__name__", "method").replace("task_", "")
        shown = ", ".join(_describe_arg(a) for a in args)
        text = f"{name}[{cb.__self__.get_name()}]({shown})"
    elif getattr(cb, "__name__", "") == "_set_result_unless_cancelled" and args:
        text = f"sleep_timer->fut({_waiters_of(args[0])})"
    else:
        text = getattr(cb, "__qualname__", None) or repr(cb)
        text += "(" + ", ".join(_describe_arg(a) for a in args) + ")"
    if h._cancelled and cb is not None:
        text += " <cancelled>"
    return text


def _trace_iteration(loop, timeout) -> None:
    ready = ", ".join(_describe_handle(h) for h in loop._ready)
    heap = ", ".join(f"{h._when!r}:{_describe_handle(h)}" for h in loop._scheduled)
    _state.trace(
        f"[iter {loop._vc_iteration}] t={_state.now!r} timeout={timeout!r} "
        f"ready=[{ready}] heap=[{heap}] cancelled_count={loop._timer_cancelled_count}"
    )


_orig_handle_run = asyncio.events.Handle._run


def _traced_handle_run(self):
    if _state.trace is not None:
        _state.trace(f"  run {_describe_handle(self)}")
    return _orig_handle_run(self)


# ---------------------------------------------------------------------------------------------
# Running one program


_MAX_GROUP_DEPTH = 10  # traceback's max_group_depth: deeper groups are not listed


def _error_obj(exc: BaseException, path: str | None = None) -> dict:
    """The report Python prints for an unhandled ``exc``, as data.

    ``type`` and ``message``; ``traceback``: the frames of the program file (not
    ``<module>``), outermost first, as ``{"coroutine": name}``; ``chain``: the exceptions
    printed before it, earliest first, each with the ``link`` ("cause" or "context") to
    the next; ``exceptions``: a group's members, each a report of its own.  The chain
    follows ``print_exception_recursive`` in pythonrun.c: a ``__cause__``, else a
    ``__context__`` unless ``__suppress_context__``, and never an exception already shown.
    """
    seen: set[int] = set()

    def one(e: BaseException, depth: int) -> dict:
        try:
            message = str(e)
        except Exception as x:  # a broken __str__
            message = f"<str() failed: {type(x).__name__}>"
        obj = {"type": type(e).__name__, "message": message}
        if path is not None:
            obj["traceback"] = [{"coroutine": f.name}
                                for f in traceback.extract_tb(e.__traceback__)
                                if os.path.abspath(f.filename) == path and f.name != "<module>"]
        if isinstance(e, BaseExceptionGroup) and depth < _MAX_GROUP_DEPTH:
            obj["exceptions"] = [report(x, depth + 1) for x in e.exceptions]
        return obj

    def report(e: BaseException, depth: int) -> dict:
        links = [(e, None)]
        cur = e
        while True:
            seen.add(id(cur))
            if cur.__cause__ is not None:
                prev, link = cur.__cause__, "cause"
            elif cur.__context__ is not None and not cur.__suppress_context__:
                prev, link = cur.__context__, "context"
            else:
                break
            if id(prev) in seen:
                break
            links.append((prev, link))
            cur = prev
        shown = []
        for x, link in reversed(links):
            obj = one(x, depth)
            if link is not None:
                obj["link"] = link
            shown.append(obj)
        last = shown.pop()
        if shown:
            last["chain"] = shown
        return last

    return report(exc, 0)


def run_program(path: str, emit, *, trace=None, show_tracebacks: bool = False,
                report: bool = False, name_tasks: bool = False, timeout=None) -> dict:
    """Run the program at ``path`` in this process; call ``emit(dict)`` per print event.

    Returns the final ``end`` object (it is not emitted).  ``trace`` is None or a callable
    taking one line of trace text.  ``name_tasks``: give unnamed tasks their ``Task-N`` name
    here, counting from 1 (``run_in_process``).  ``timeout``: wall-clock seconds after which
    the loop stops the program (an error of type ``HarnessTimeout``, as when the forking
    harness kills a child).
    """
    install_patches()
    _state.reset()
    last_t = [0.0]

    def emit_tracking(obj):
        last_t[0] = obj["t"]
        emit(obj)

    _state.emit = emit_tracking
    _state.trace = trace
    _state.prog_stdout = sys.stdout
    _state.name_tasks = name_tasks
    if timeout:
        _state.deadline = _REAL_MONOTONIC() + timeout
    saved_handle_run = asyncio.events.Handle._run
    if trace is not None:
        asyncio.events.Handle._run = _traced_handle_run
    saved_policy = asyncio.events._event_loop_policy
    _set_policy(VirtualClockPolicy())
    if EMSCRIPTEN:
        # Pyodide's own event loop counts as running: asyncio.run would refuse to start.
        asyncio.events._set_running_loop(None)
    builtins.print = _captured_print
    time.sleep = _virtual_sleep
    time.monotonic = _virtual_monotonic
    warning_capture = _WarningCapture(os.path.abspath(path))
    asyncio.log.logger.addHandler(warning_capture)
    warnings.showwarning = _captured_showwarning
    error = None
    # No garbage collection while the program runs: what it would free
    # (objects in reference cycles) depends on allocation counts, and so on
    # what ran in this process before; asim frees them never (until the end).
    gc.disable()
    _state.capturing = True
    try:
        try:
            runpy.run_path(path, run_name="__main__")
        except VirtualDeadlock:
            pass
        except SystemExit as e:
            if e.code not in (None, 0):
                error = e
        except BaseException as e:  # noqa: BLE001 - report every way the program can fail
            if isinstance(e, KeyboardInterrupt) and _state.deadline is not None \
                    and _REAL_MONOTONIC() > _state.deadline:
                _state.timed_out = True  # interrupted by the runner's watchdog
            error = e
        if not _state.deadlocked and not _state.timed_out:
            try:
                atexit._run_exitfuncs()
            except BaseException:  # noqa: BLE001
                pass
    finally:
        _state.capturing = False
        gc.enable()
        asyncio.log.logger.removeHandler(warning_capture)
        warnings.showwarning = _REAL_SHOWWARNING
        builtins.print = _REAL_PRINT
        time.sleep = _REAL_SLEEP
        time.monotonic = _REAL_MONOTONIC
        asyncio.events.Handle._run = saved_handle_run
        asyncio.events._event_loop_policy = saved_policy
    if error is not None and show_tracebacks:
        traceback.print_exception(error, file=sys.__stderr__)
    if _state.timed_out:
        return {"event": "end", "t": last_t[0], "elapsed": last_t[0], "outcome": "error",
                "error": {"type": "HarnessTimeout",
                          "message": "program killed after the wall-clock timeout"}}
    if _state.deadlocked:
        return {"event": "end", "t": _state.deadlock_time, "elapsed": _state.deadlock_time,
                "outcome": "deadlock", "error": None}
    elapsed = _state.loop_closed_time if _state.loop_closed_time is not None else _state.now
    end = {"event": "end", "t": _state.now, "elapsed": elapsed,
           "outcome": "error" if error is not None else "ok",
           "error": _error_obj(error, os.path.abspath(path)) if error is not None else None}
    if report and error is not None:
        end["report"] = "".join(traceback.format_exception(error))
    return end


# ---------------------------------------------------------------------------------------------
# Many programs in one interpreter (Pyodide: no fork)


def _reset_counters() -> None:
    """The per-process counters a forked child would start with."""
    global _creation_counter, _task_counter
    _creation_counter = itertools.count()
    _task_counter = itertools.count(1)
    _creation_seq.clear()
    _task_number.clear()


def run_in_process(paths, opts, write, *, fresh_asyncio: bool = False,
                   separators: bool | None = None) -> None:
    """Run every program in ``paths`` one after the other in this interpreter, writing the
    same JSON Lines as ``run_files`` through ``write(str)`` (one call per line).

    This is the mode of ``pyodide.mjs`` (Pyodide has no fork).  What a forked child gets
    for free is done by hand around each program:

    * the ``Task-N`` numbers start at 1: unnamed tasks created through ``loop.create_task``
      are named ``Task-N`` by the loop, from its own counter (``_state.name_tasks``), since
      the C counter cannot be reset.  That is exactly the C rule as long as every task comes
      from ``loop.create_task`` (``asyncio.create_task``, ``TaskGroup.create_task``,
      ``ensure_future``, ``gather``, the Runner, ...): the C Task takes a number only when it
      is created without a name, and which calls pass the name to the constructor is each
      version's own code (up to 3.12 ``asyncio.create_task(coro, name=X)`` and
      ``TaskGroup.create_task(coro, name=X)`` create the task unnamed and rename it, so they
      take a number; from 3.13 they pass the name).  A task made by calling ``asyncio.Task``
      directly would not be counted.  With ``fresh_asyncio`` (3.12+, slow: about 0.3 s a
      program) ``_asyncio``, asyncio and this module are imported afresh for each program
      instead, which resets the C counter (module state from 3.12), and nothing is renamed;
      it exists to prove the renaming right;
    * the clock, the creation counters and the deadlock state start afresh;
    * after the program: its ``atexit`` handlers are dropped, the warning filters and
      registries are restored (a warning shown once per location must show again in the
      next program), and what it left behind is collected with recording off (and the
      collector is off while a program runs), so nothing it leaves reaches the next
      program's output.  Modules it imported stay imported (forgetting them leaks what
      they register elsewhere, and re-importing costs more than the program): a program
      that changes a library module's state changes it for the next one.
    """
    import importlib

    filters_before = list(warnings.filters)
    argv_before = list(sys.argv)
    path0 = sys.path[0] if sys.path else None
    stdout_before, stderr_before = sys.stdout, sys.stderr
    multi = len(paths) > 1 if separators is None else separators
    me = sys.modules[__name__]
    # What exists now lives as long as the interpreter: out of the collector's sight, so that
    # collecting a program's leftovers costs what they hold, not what the harness holds.
    install_patches()
    gc.collect()
    gc.freeze()
    for path in paths:
        if fresh_asyncio:
            for name in list(sys.modules):
                if name in ("_asyncio", __name__) or name == "asyncio" or name.startswith("asyncio."):
                    del sys.modules[name]
            me = importlib.import_module(__name__)
            me._set_order = _set_order
        if multi:
            write(_dumps_text({"event": "program", "path": path}))
        abspath = os.path.abspath(path)
        sys.argv = [path]
        if sys.path:
            sys.path[0] = os.path.dirname(abspath)
        me._reset_counters()

        def emit(obj):
            write(_dumps_text(obj))

        end = me.run_program(path, emit, show_tracebacks=opts.stderr, report=opts.report,
                             name_tasks=not fresh_asyncio, timeout=opts.timeout)
        write(_dumps_text(end))
        del end
        # Forget the program: nothing it did may show in the next one.
        sys.stdout, sys.stderr = stdout_before, stderr_before
        sys.argv = list(argv_before)
        if path0 is not None:
            sys.path[0] = path0
        atexit._clear()
        warnings.filters[:] = filters_before
        mutated = getattr(warnings, "_filters_mutated", None) \
            or getattr(warnings, "_filters_mutated_lock_held", None)
        if mutated is not None:
            mutated()
        for module in list(sys.modules.values()):
            registry = getattr(module, "__warningregistry__", None)
            if isinstance(registry, dict):
                registry.clear()
        if EMSCRIPTEN:
            asyncio.events._set_running_loop(None)
        gc.collect()


def _dumps_text(obj) -> str:
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
        return json.dumps(obj, ensure_ascii=False) + "\n"
    except UnicodeEncodeError:  # lone surrogates: fall back to \u escapes
        return json.dumps(obj) + "\n"


def _dumps(obj) -> bytes:
    try:
        return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: fall back to \u escapes
        return (json.dumps(obj) + "\n").encode("ascii")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _child(path: str, wfd: int, opts) -> None:
    """Body of the forked child: set up fds, run the program, stream JSON into ``wfd``."""
    devnull_w = os.open(os.devnull, os.O_WRONLY)
    devnull_r = os.open(os.devnull, os.O_RDONLY)
    trace_fd = os.dup(2) if opts.trace else None
    os.dup2(devnull_r, 0)
    if opts.stderr:
        os.dup2(2, 1)
    else:
        os.dup2(devnull_w, 1)
        os.dup2(devnull_w, 2)
    os.close(devnull_w)
    os.close(devnull_r)

    abspath = os.path.abspath(path)
    sys.argv = [path]
    if sys.path:
        sys.path[0] = os.path.dirname(abspath)

    def emit(obj):
        _write_all(wfd, _dumps(obj))

    trace = None
    if trace_fd is not None:
        def trace(line):
            _write_all(trace_fd, (line + "\n").encode("utf-8", "backslashreplace"))

    end = run_program(path, emit, trace=trace, show_tracebacks=opts.stderr, report=opts.report)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001
            pass
    emit(end)


class _Job:
    __slots__ = ("index", "path", "pid", "rfd", "chunks", "deadline", "status", "timed_out")

    def __init__(self, index, path):
        self.index = index
        self.path = path
        self.pid = None
        self.rfd = None
        self.chunks = []
        self.deadline = None
        self.status = None
        self.timed_out = False


def _start(job: _Job, opts, open_fds) -> None:
    rfd, wfd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        try:
            os.close(rfd)
            for fd in open_fds:
                try:
                    os.close(fd)
                except OSError:
                    pass
            signal.signal(signal.SIGINT, signal.default_int_handler)
            _child(job.path, wfd, opts)
        except BaseException:  # noqa: BLE001
            code = 70
            try:
                traceback.print_exc()
            except BaseException:  # noqa: BLE001
                pass
        finally:
            os._exit(code)
    os.close(wfd)
    job.pid = pid
    job.rfd = rfd
    job.deadline = time.monotonic() + opts.timeout if opts.timeout else None


def _finish(job: _Job) -> bytes:
    """The bytes to print for a finished job, with a synthetic end line if it is missing."""
    data = b"".join(job.chunks)
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    last = None
    if lines:
        try:
            last = json.loads(lines[-1])
        except ValueError:
            last = None
    if isinstance(last, dict) and last.get("event") == "end":
        return data
    # The child did not finish normally: keep the complete lines, then add an end line.
    good = []
    t = 0.0
    for line in lines:
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        good.append(line + b"\n")
        if isinstance(obj.get("t"), (int, float)):
            t = obj["t"]
    if job.timed_out:
        err = {"type": "HarnessTimeout", "message": "program killed after the wall-clock timeout"}
    else:
        st = job.status
        if os.WIFSIGNALED(st):
            msg = f"child killed by signal {os.WTERMSIG(st)}"
        else:
            msg = f"child exited with status {os.WEXITSTATUS(st)} without an end event"
        err = {"type": "HarnessChildDied", "message": msg}
    good.append(_dumps({"event": "end", "t": t, "elapsed": t, "outcome": "error", "error": err}))
    return b"".join(good)


def run_files(paths, opts, out=None) -> None:
    """Run every program in ``paths`` (forking one child each), writing JSON Lines to ``out``."""
    install_patches()
    out = out if out is not None else sys.stdout.buffer
    multi = len(paths) > 1
    jobs = max(1, opts.jobs)
    todo = collections.deque(_Job(i, p) for i, p in enumerate(paths))
    running = {}
    done = {}
    next_index = 0
    sel = selectors.DefaultSelector()
    try:
        while todo or running:
            while todo and len(running) < jobs:
                job = todo.popleft()
                _start(job, opts, [sel.fileno(), *running.keys()])
                running[job.rfd] = job
                sel.register(job.rfd, selectors.EVENT_READ, job)
            wait = None
            deadlines = [j.deadline for j in running.values() if j.deadline is not None]
            if deadlines:
                wait = max(0.0, min(deadlines) - time.monotonic())
            for key, _ in sel.select(wait):
                job = key.data
                chunk = os.read(job.rfd, 1 << 16)
                if chunk:
                    job.chunks.append(chunk)
                    continue
                sel.unregister(job.rfd)
                os.close(job.rfd)
                del running[job.rfd]
                _, job.status = os.waitpid(job.pid, 0)
                done[job.index] = job
            now_wall = time.monotonic()
            for job in list(running.values()):
                if job.deadline is not None and now_wall >= job.deadline:
                    job.timed_out = True
                    try:
                        os.kill(job.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    job.deadline = None  # the pipe reaches EOF once the child is gone
            while next_index in done:
                job = done.pop(next_index)
                if multi:
                    out.write(_dumps({"event": "program", "path": job.path}))
                out.write(_finish(job))
                out.flush()
                next_index += 1
    finally:
        sel.close()


class _Discard(io.TextIOBase):
    """A text stream that drops what is written to it."""

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        return len(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vclock.py",
        description="Run asyncio programs on CPython's real event loop with a virtual clock; "
                    "print JSON Lines (print events and an end event per program).")
    parser.add_argument("programs", nargs="+", metavar="PROGRAM.py")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                        help="programs to run at once (default: number of CPUs)")
    parser.add_argument("--stderr", action="store_true",
                        help="pass the programs' stderr (tracebacks, logs) through")
    parser.add_argument("--report", action="store_true",
                        help="add the traceback Python prints for an unhandled exception to the "
                             "end event, as \"report\"")
    parser.add_argument("--trace", action="store_true",
                        help="write an iteration trace to stderr")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="wall-clock seconds per program before it is killed (0: none)")
    parser.add_argument("--set-order", type=parse_set_order, default="creation",
                        help="the order of the pinned set iterations, as asim's --set-order: "
                             "creation, reverse or shuffle:SEED")
    parser.add_argument("--hash-seed", type=int, default=0,
                        help="PYTHONHASHSEED for the programs, as asim's --hash-seed (default 0)")
    parser.add_argument("--in-process", action="store_true",
                        help="run the programs one after the other in this interpreter, without "
                             "forking (run_in_process; what pyodide.mjs does)")
    parser.add_argument("--fresh-asyncio", action="store_true",
                        help="with --in-process (3.12+): import asyncio afresh for each program "
                             "instead of naming tasks in the loop (slow; a cross-check)")
    return parser


class InProcess:
    """The programs and options of a command line, run one at a time by ``run(i, write)``
    in this interpreter: the entry point of ``pyodide.mjs``, which writes the separators
    and watches the time of each program itself."""

    def __init__(self, argv) -> None:
        self.opts = _parser().parse_args(list(argv))
        global _set_order
        _set_order = self.opts.set_order
        self.programs = list(self.opts.programs)

    def run(self, index: int, write) -> None:
        saved = sys.stdout, sys.stderr
        if not self.opts.stderr:
            sys.stdout = sys.stderr = _Discard()
        try:
            run_in_process([self.programs[index]], self.opts, write,
                           fresh_asyncio=self.opts.fresh_asyncio, separators=False)
        finally:
            sys.stdout, sys.stderr = saved


def main(argv=None, write=None) -> int:
    """The command line; ``write(str)`` (in-process runs only) receives the output lines."""
    opts = _parser().parse_args(argv)
    global _set_order
    _set_order = opts.set_order
    if opts.in_process or opts.fresh_asyncio or EMSCRIPTEN:
        if write is None:
            def write(line, out=sys.stdout.buffer):
                out.write(line.encode("utf-8"))
                out.flush()
        if not opts.stderr:
            sys.stdout = sys.stderr = _Discard()
        try:
            run_in_process(opts.programs, opts, write, fresh_asyncio=opts.fresh_asyncio)
        finally:
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        return 0
    run_files(opts.programs, opts)
    return 0


if __name__ == "__main__":
    # str hashes, and so the order of a set of strings, are CPython's with
    # PYTHONHASHSEED=0, which asim reproduces: the programs run with it.
    # (`--hash-seed N` runs them with PYTHONHASHSEED=N instead, as asim's.)
    seed = "0"
    if "--hash-seed" in sys.argv[:-1]:
        seed = sys.argv[sys.argv.index("--hash-seed") + 1]
    if os.environ.get("PYTHONHASHSEED") != seed:
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": seed})
    sys.exit(main())
