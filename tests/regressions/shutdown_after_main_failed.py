# shutdown_after_main_failed: exported by `asim export python tests/regressions/shutdown_after_main_failed.yaml`
# for CPython 3.14 (asim's default); `asim run --python all` shows whether other releases differ
import asyncio


async def worker(n):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as c:
        print(f"worker {n} cancelled, context {c.__context__!r}")
        raise ValueError(f"worker {n} failed while stopping")


async def quiet(n):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        try:
            raise KeyError(n)
        except KeyError as k:
            print(f"quiet {n} handled {k!r}, its context {k.__context__!r}")
        raise


async def main():
    asyncio.create_task(worker(1))
    asyncio.create_task(quiet(2))
    await asyncio.sleep(1)
    raise RuntimeError("main failed")


asyncio.run(main())
