# version_wait_for_in_place: exported by `asim export python tests/regressions/version_wait_for_in_place.yaml`
# for CPython 3.14 (asim's default); `asim run --python all` shows whether other releases differ
import asyncio


async def ticker():
    await asyncio.sleep(1)
    for i in range(5):
        print(f"tick {i}")
        await asyncio.sleep(0)


async def inner():
    print("inner start")
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError as e:
        print(f"inner cancelled {e!r}")
        raise


async def main():
    asyncio.create_task(ticker())
    try:
        await asyncio.wait_for(inner(), 1)
    except asyncio.TimeoutError as e:
        print(f"caught {type(e).__name__} {e!r} cause: {e.__cause__!r} ctx: {e.__context__!r}")
    s = asyncio.create_task(asyncio.sleep(0))
    print(f"next task name: {s.get_name()}")
    await asyncio.sleep(0)


asyncio.run(main())
