import asyncio

async def flaky(n):
    await asyncio.sleep(n)
    raise ValueError(f"flaky {n} failed")

async def idle():
    return 0

async def stubborn():
    try:
        await asyncio.sleep(10)
    finally:
        raise RuntimeError("failed while shutting down")

async def main():
    asyncio.create_task(flaky(1))
    asyncio.create_task(stubborn())
    c = idle()
    await asyncio.sleep(2)
    print("forgetting the coroutine")
    c = None
    print("main returns")

asyncio.run(main())
