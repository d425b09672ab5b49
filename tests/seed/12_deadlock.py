import asyncio

a = asyncio.Lock()
b = asyncio.Lock()

async def one():
    async with a:
        print("one holds a")
        await asyncio.sleep(1)
        async with b:
            print("one holds a and b")

async def two():
    async with b:
        print("two holds b")
        await asyncio.sleep(1)
        async with a:
            print("two holds b and a")

async def main():
    await asyncio.gather(one(), two())

asyncio.run(main())
