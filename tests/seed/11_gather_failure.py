import asyncio

async def worker(id, delay, fail):
    print(f"worker {id} started")
    await asyncio.sleep(delay)
    if fail:
        raise ValueError(f"worker {id} failed")
    print(f"worker {id} done")
    return id

async def main():
    try:
        await asyncio.gather(worker(1, 1, False), worker(2, 2, True), worker(3, 3, False))
    except ValueError as e:
        print(f"caught: {e}")
    await asyncio.sleep(2)
    results = await asyncio.gather(worker(4, 1, True), worker(5, 1, False), return_exceptions=True)
    print(f"results: {results}")

asyncio.run(main())
