import asyncio

limit = 2
sem = asyncio.Semaphore(limit)
guard = sem


async def main():
    async with guard:
        print(f"hi {sem.locked()}")


asyncio.run(main())
