import asyncio

async def main():
    print("Start of main coroutine")

asyncio.run(main())
