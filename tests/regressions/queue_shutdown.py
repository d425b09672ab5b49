import asyncio
from asyncio import QueueEmpty
async def getter(q, name):
    try:
        while True:
            x = await q.get()
            print(f"{name} got {x}")
            q.task_done()
    except Exception as e:
        print(f"{name} exc {type(e).__name__} {e!r} {str(e)!r}")
async def putter(q, name, x):
    try:
        await q.put(x)
        print(f"{name} put ok {x}")
    except Exception as e:
        print(f"{name} exc {type(e).__name__} {e!r}")
async def joiner(q, name):
    await q.join()
    print(f"{name} joined")
q2 = asyncio.Queue()
q0 = asyncio.Queue()
q3 = asyncio.Queue()
pq = asyncio.PriorityQueue(maxsize=2)
lq = asyncio.LifoQueue()

async def main():
    try:
        try:
            x = q0.get_nowait()
        except (QueueEmpty, asyncio.QueueShutDown) as e:
            print(f"empty: {e!r}")
    except AttributeError as e:
        print(f"{e} (while handling {e.__context__!r})")
    q0.put_nowait("kept")
    try:
        q0.shutdown()
    except AttributeError as e:
        print(f"no shutdown: {e}")
        return
    for i in range(3):
        q2.put_nowait(i)
    asyncio.create_task(joiner(q2, "J2"))
    asyncio.create_task(getter(q0, "G3"))
    await asyncio.sleep(0)
    q2.shutdown(immediate=True)
    print(f"immediate: qsize {q2.qsize()} {q2.empty()}")
    try:
        q2.task_done()
    except ValueError as e:
        print(f"task_done {e!r}")
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    for i in range(2):
        q3.put_nowait(i)
    asyncio.create_task(joiner(q3, "J3"))
    asyncio.create_task(getter(q3, "G4"))
    await asyncio.sleep(0)
    q3.shutdown()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    pq.put_nowait((2, "b"))
    pq.put_nowait((1, "a"))
    asyncio.create_task(putter(pq, "P1", (0, "z")))
    asyncio.create_task(putter(pq, "P2", (3, "c")))
    await asyncio.sleep(0)
    x = pq.get_nowait()
    print(f"took {x}")
    pq.shutdown()
    print(f"pq qsize {pq.qsize()} full {pq.full()}")
    await asyncio.sleep(0)
    print(f"pq qsize {pq.qsize()}")
    asyncio.create_task(getter(pq, "GP"))
    await asyncio.sleep(0)
    l1 = asyncio.create_task(getter(lq, "L1"))
    asyncio.create_task(getter(lq, "L2"))
    await asyncio.sleep(0)
    lq.put_nowait("x")
    lq.shutdown(True)
    l1.cancel()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    print(f"l1 cancelled {l1.cancelled()}")
    print(f"{isinstance(asyncio.QueueShutDown(), asyncio.QueueShutDown)} {asyncio.QueueShutDown!r} {asyncio.QueueShutDown('m')!r}")
    try:
        await lq.get()
    except (QueueEmpty, asyncio.QueueShutDown) as e:
        print(f"get {e!r}")
    try:
        y = lq.get_nowait()
    except asyncio.QueueShutDown:
        print("get_nowait QueueShutDown")
    await lq.put(1)
asyncio.run(main())
