import asyncio

async def worker(name, n):
    for i in range(n):
        print(f"{name} step {i}")
        await asyncio.sleep(0)

async def main():
    asyncio.create_task(worker("a", 3))
    asyncio.create_task(worker("b", 2))
    await asyncio.sleep(0.001)
    print("main woke up last")

asyncio.run(main())
