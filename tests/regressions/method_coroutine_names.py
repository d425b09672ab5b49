# method_coroutine_names: exported by `asim export python tests/regressions/method_coroutine_names.yaml`
# for CPython 3.14 (asim's default); `asim run --python all` shows whether other releases differ
import asyncio

q = asyncio.Queue()
lk = asyncio.Lock()
sem = asyncio.Semaphore(0)
ev = asyncio.Event()
cv = asyncio.Condition()


async def main():
    c = q.get()
    d = lk.acquire()
    e = ev.wait()
    f = sem.acquire()
    g = q.put(1)
    h = q.join()
    c = None
    d = None
    e = None
    f = None
    g = None
    h = None
    t = asyncio.create_task(q.get())
    await asyncio.sleep(0)
    t.cancel()
    await asyncio.sleep(0)
    print(f"cancelled {t.cancelled()}")


asyncio.run(main())
