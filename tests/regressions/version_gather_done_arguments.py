# version_gather_done_arguments: exported by `asim export python tests/regressions/version_gather_done_arguments.yaml`
# for CPython 3.14 (asim's default); `asim run --python all` shows whether other releases differ
import asyncio


async def ticker():
    for i in range(4):
        print(f"tick {i}")
        await asyncio.sleep(0)


async def val(x):
    return x


async def bad():
    raise ValueError("boom")


async def main():
    t1 = asyncio.create_task(val(1))
    t2 = asyncio.create_task(val(2))
    t3 = asyncio.create_task(bad())
    await asyncio.sleep(0)
    asyncio.create_task(ticker())
    await asyncio.sleep(0)
    r = await asyncio.gather(t1, t2)
    print(f"await gather of done tasks -> {r}")
    try:
        await asyncio.gather(t1, t3)
    except ValueError as e:
        print(f"gather exc {e!r}")
    r2 = await asyncio.gather(t3, t1, return_exceptions=True)
    print(f"with exceptions: {r2}")
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    print("end")


asyncio.run(main())
