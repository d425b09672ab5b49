import asyncio

async def background(n):
    try:
        print(f"background {n} starts")
        await asyncio.sleep(10)
    finally:
        print(f"background {n} cleans up")
        await asyncio.sleep(0.5)
        print(f"background {n} done")

async def main():
    asyncio.create_task(background(1))
    asyncio.create_task(background(2))
    await asyncio.sleep(1)
    print("main returns")

asyncio.run(main())
