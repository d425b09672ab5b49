import asyncio

pool = asyncio.BoundedSemaphore(2)

async def job(n):
    await pool.acquire()
    print(f"job {n} has a unit; locked={pool.locked()}")
    await asyncio.sleep(n * 0.5)
    pool.release()
    print(f"job {n} released")

async def main():
    await asyncio.gather(*(job(n) for n in range(1, 5)))
    try:
        pool.release()
    except ValueError as e:
        print(f"extra release: {e}")

asyncio.run(main())
