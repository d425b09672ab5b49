import asyncio

async def grandchild():
    print("grandchild runs")

async def child():
    for j in range(6):
        print(f"child step {j}")
        if j == 2:
            asyncio.create_task(grandchild())
        await asyncio.sleep(0)
    print("child done")

async def parent():
    try:
        await asyncio.sleep(10)
    finally:
        asyncio.create_task(child())
        print("parent cleaned up")

async def main():
    asyncio.create_task(parent())
    await asyncio.sleep(1)
    print("main returns")

asyncio.run(main())
