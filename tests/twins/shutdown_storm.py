import asyncio

async def worker(i):
    try:
        await asyncio.sleep(5 + i * 0.01)
    except asyncio.CancelledError:
        await asyncio.sleep(0.25)
        if i % 7 == 0:
            print(f"worker {i} stopped")
        raise

async def main():
    for i in range(120):
        asyncio.create_task(worker(i))
    await asyncio.sleep(1)
    print("main done")

asyncio.run(main())
