import asyncio

finished = {}
slots = asyncio.Semaphore(8)
results = asyncio.Queue()

async def job(client, work):
    submitted = asyncio.get_running_loop().time()
    async with slots:
        await asyncio.sleep(work)
    latency = asyncio.get_running_loop().time() - submitted
    finished[client] = latency
    await results.put((client, latency))

async def client(n):
    asyncio.create_task(job(n, (2 + n * 7 % 9 * 2) / 10), name=f"job-{n}")
    polls = 0
    while n not in finished:
        await asyncio.sleep(0.05)
        polls += 1
    if finished[n] > 5.0:
        print(f"client {n}: slow, {finished[n]:.2f}s after {polls} polls")
    return polls

async def collector(total):
    latencies = []
    for _ in range(total):
        item = await results.get()
        latencies.append(item[1])
    latencies.sort()
    print(f"latency p50 {latencies[total // 2 - 1]:.2f}s, p90 {latencies[total * 9 // 10 - 1]:.2f}s, max {latencies[-1]:.2f}s")
    return len(latencies)

async def main():
    collecting = asyncio.create_task(collector(50))
    polls = await asyncio.gather(*[client(n) for n in range(50)])
    jobs = await collecting
    print(f"{jobs} jobs, {sum(polls)} polls")

asyncio.run(main())
