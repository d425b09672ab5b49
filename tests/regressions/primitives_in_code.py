# primitives_in_code: exported by `asim export python tests/regressions/primitives_in_code.yaml`
import asyncio


async def fetch(key, locks, cache, log):
    async with locks[key]:
        if key not in cache:
            log.append(f"miss {key}")
            await asyncio.sleep(0.1)
            cache[key] = key.upper()
        return cache[key]


async def producer(q, n):
    for i in range(n):
        await q.put(i)
        print(f"put {i} size={q.qsize()}")
    await q.join()
    print("all done")


async def consumer(q, name):
    while True:
        item = await q.get()
        await asyncio.sleep(0.05)
        print(f"{name} got {item}")
        q.task_done()


async def setter(ev):
    await asyncio.sleep(0.2)
    ev.set()


async def party(b, i):
    r = await b.wait()
    print(f"party {i} passed {r}")


async def main():
    keys = ['a', 'b', 'a', 'c', 'b', 'a']
    locks = {k: asyncio.Lock() for k in ['a', 'b', 'c']}
    cache = {}
    log = []
    results = await asyncio.gather(*[fetch(k, locks, cache, log) for k in keys])
    print(f"{results} {log} {[l.locked() for l in locks.values()]}")
    q = asyncio.Queue(maxsize=2)
    workers = []
    for i in range(2):
        w = asyncio.create_task(consumer(q, f"w{i}"))
        workers.append(w)
    await producer(q, 5)
    for w in workers:
        w.cancel()
    ev = asyncio.Event()
    sem = asyncio.Semaphore(1)
    asyncio.create_task(setter(ev))
    async with sem:
        await ev.wait()
    print(f"event seen {ev.is_set()} {sem.locked()}")
    b = asyncio.Barrier(2)
    await asyncio.gather(party(b, 1), party(b, 2))
    cond = asyncio.Condition()
    async with cond:
        cond.notify_all()
    print(f"{type(cond).__name__!r}")


asyncio.run(main())
