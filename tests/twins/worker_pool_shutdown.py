import asyncio

jobs = asyncio.Queue()
processed = 0

async def worker(name):
    global processed
    try:
        while True:
            job = await jobs.get()
            await asyncio.sleep(job)
            processed = processed + 1
            print(f"{name} finished a {job}s job")
            jobs.task_done()
    finally:
        print(f"{name} shuts down after {processed} jobs in all")

async def main():
    for j in [0.3, 0.5, 0.2, 0.4, 0.1, 0.6]:
        jobs.put_nowait(j)
    pool = []
    for i in range(3):
        w = asyncio.create_task(worker(f"w{i}"))
        pool.append(w)
    await jobs.join()
    print(f"all {processed} jobs done; stopping the pool")
    for w in pool:
        w.cancel()
    ends = await asyncio.gather(*pool, return_exceptions=True)
    print(f"workers ended with {ends}")

asyncio.run(main())
