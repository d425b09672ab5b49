import asyncio

# Requests for keys; a cache in front, shared stats, an in-flight table.
plan = [("a", 0.3, "ok"), ("b", 0.1, "err"), ("a", 0.2, "ok"), ("c", 0.1, "ok"), ("b", 0.2, "ok")]
cache = {}
inflight = {}
stats = {"ok": 0, "err": 0, "hit": 0}
served = 0
lock = asyncio.Lock()


async def fetch(i):
    global served
    key, latency, status = plan[i]
    if key in cache:
        stats["hit"] += 1
        print(f"request {i}: {key} from cache")
        return cache[key]
    inflight[key] = inflight.get(key, 0) + 1
    await asyncio.sleep(latency)
    async with lock:
        stats[status] += 1
        served += 1
    inflight[key] -= 1
    if inflight[key] == 0:
        del inflight[key]
    if status == "ok":
        cache[key] = f"{key}-v{i}"
        print(f"request {i}: {key} fetched in {latency}s")
        return cache[key]
    print(f"request {i}: {key} failed, in flight now {inflight}")
    return None


async def main():
    first = await asyncio.gather(*[fetch(i) for i in range(3)])
    await asyncio.sleep(0.5)
    second = await asyncio.gather(*[fetch(i) for i in range(2, 5)])
    results = first + second
    results[1:2] = ["retry"]
    ok, *others = results
    print(f"stats {stats}, served {served}")
    print(f"first {ok}, others {others}")
    print(f"cache {cache}")


asyncio.run(main())
