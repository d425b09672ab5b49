import asyncio

jobs = asyncio.Queue(maxsize=2)
urgent = asyncio.PriorityQueue(maxsize=2)
done = []

async def worker(name, q):
    try:
        while True:
            job = await q.get()
            await asyncio.sleep(0.3)
            print(f"{name} resized {job}")
            done.append(job)
            q.task_done()
    except asyncio.QueueShutDown:
        print(f"{name}: queue shut down, {q.qsize()} left, stopping")

async def producer(q, items):
    try:
        for item in items:
            await q.put(item)
            print(f"queued {item} ({q.qsize()} waiting)")
    except asyncio.QueueShutDown as e:
        print(f"producer stopped: {type(e).__name__}{e.args}")

async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(worker("w1", jobs))
        tg.create_task(worker("w2", jobs))
        await producer(jobs, ["a.png", "b.png", "c.png", "d.png", "e.png"])
        jobs.shutdown()
        print(f"producer done, shut down with {jobs.qsize()} still queued")
    print(f"workers finished {len(done)} jobs: {done}")
    # An emergency stop: drop the backlog at once.
    asyncio.create_task(worker("w3", urgent))
    p = asyncio.create_task(producer(urgent, [(2, "thumb"), (1, "hero"), (3, "icon"), (2, "banner"), (1, "logo"), (3, "footer")]))
    await asyncio.sleep(0.4)
    print(f"emergency stop: dropping {urgent.qsize()} queued jobs")
    urgent.shutdown(immediate=True)
    await urgent.join()
    print(f"join returned: dropped jobs count as done, {urgent.qsize()} queued")
    await p
    try:
        urgent.put_nowait((0, "late"))
    except asyncio.QueueShutDown as e:
        print(f"late put refused: {e!r}")
    await asyncio.sleep(1)

asyncio.run(main())
