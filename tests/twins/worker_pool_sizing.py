# worker_pool_sizing: a queue of jobs, a pool of workers, a pool of DB connections.
import asyncio

workers = 4
db_connections = 3
jobs = 40
results = {}
handled = {}

queue = asyncio.Queue()
db = asyncio.Semaphore(db_connections)


async def fetch(job):
    # Network latency: 50 to 150 ms, a different one per job.
    await asyncio.sleep(0.05 + (job * 7 % 11) / 100)
    return f"input-{job}"


async def query(job, data):
    async with db:
        await asyncio.sleep(0.06 + (job % 5) / 100)
    return len(data) * job


async def worker(name):
    handled[name] = 0
    while True:
        job = await queue.get()
        data = await fetch(job)
        value = await query(job, data)
        results[job] = value
        handled[name] += 1
        queue.task_done()


async def main():
    for job in range(jobs):
        queue.put_nowait(job)
    pool = [asyncio.create_task(worker(f"w{i}"), name=f"w{i}") for i in range(workers)]
    await queue.join()
    print(f"{len(results)} jobs done with {workers} workers and {db_connections} connections")
    for t in pool:
        t.cancel()
    await asyncio.gather(*pool, return_exceptions=True)
    print(f"jobs per worker: {handled}")
    print(f"checksum {sum(results.values())}")


asyncio.run(main())
