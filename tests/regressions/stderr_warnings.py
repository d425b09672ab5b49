# stderr_warnings: exported by `asim export python tests/regressions/stderr_warnings.yaml`
import asyncio
import random

random.seed(3)


async def job(i):
    await asyncio.sleep(0.1 * i)
    return i


async def bad(i):
    await asyncio.sleep(0.1 * i)
    raise ValueError(f"bad {i}")


async def spinner():
    for i in range(10):
        print(f"spin {i}")
        await asyncio.sleep(0)


async def parent():
    try:
        await asyncio.sleep(10)
    finally:
        asyncio.create_task(spinner())
        print("parent cleaned up")


async def main():
    for i in range(3):
        c = job(i)
    pair = [job(7), bad(8)]
    pair = None
    try:
        x = [job(1), bad(2), 1 // 0]
    except ZeroDivisionError as e:
        print(f"caught {e}")
    print(f"{random.randrange(10.0)}")
    print(f"{random.randrange(12.0)}")
    try:
        for aw in asyncio.as_completed([bad(1), job(2), bad(3), job(4)]):
            r = await aw
            print(f"got {r}")
    except ValueError as e:
        print(f"as_completed raised {e!r}")
    await asyncio.sleep(1)
    asyncio.create_task(parent())
    await asyncio.sleep(1)
    print("main returns")


asyncio.run(main())
