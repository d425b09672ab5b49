# deadlock_made_locks: exported by `asim export python tests/regressions/deadlock_made_locks.yaml`
import asyncio


async def holder(a, b):
    async with a:
        await asyncio.sleep(0.1)
        async with b:
            print("never")


async def main():
    x = asyncio.Lock()
    y = asyncio.Lock()
    await asyncio.gather(holder(x, y), holder(y, x))


asyncio.run(main())
