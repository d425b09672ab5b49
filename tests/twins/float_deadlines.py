import asyncio

async def ticker():
    for i in range(3):
        await asyncio.sleep(0.1)
    print("ticker after 3 x 0.1")

async def direct():
    await asyncio.sleep(0.3)
    print("direct after 0.3")

async def main():
    await asyncio.gather(ticker(), direct())

asyncio.run(main())
