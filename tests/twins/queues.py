import asyncio
from asyncio import QueueFull, QueueEmpty

q = asyncio.Queue(maxsize=2)
stack = asyncio.LifoQueue()
prio = asyncio.PriorityQueue()
mail = asyncio.Queue()

async def producer(n):
    for i in range(n):
        await q.put(i)
        print(f"produced {i} (size {q.qsize()}, full={q.full()})")

async def consumer(name):
    while True:
        item = await q.get()
        print(f"{name} got {item}")
        await asyncio.sleep(0.5)
        q.task_done()

async def reader(name):
    m = await mail.get()
    print(f"{name} read {m!r}")

async def main():
    asyncio.create_task(consumer("c1"))
    asyncio.create_task(consumer("c2"))
    await producer(6)
    await q.join()
    print(f"all done; empty={q.empty()}")
    q.put_nowait("a")
    q.put_nowait("b")
    try:
        q.put_nowait("c")
    except QueueFull as e:
        print(f"full: {e!r}")
    for x in [1, 2, 3]:
        stack.put_nowait(x)
    print(f"lifo: {stack.get_nowait()} {stack.get_nowait()} {stack.get_nowait()}")
    try:
        stack.get_nowait()
    except QueueEmpty:
        print("lifo now empty")
    for job in [(2, "write"), (1, "read"), (3, "close"), (1, "open")]:
        prio.put_nowait(job)
    while not prio.empty():
        print(f"priority: {prio.get_nowait()}")
    asyncio.create_task(reader("r1"))
    asyncio.create_task(reader("r2"))
    await asyncio.sleep(0)
    mail.put_nowait("x")
    print(f"thief took {mail.get_nowait()!r}")
    mail.put_nowait("y")
    mail.put_nowait("z")
    await asyncio.sleep(0.1)

asyncio.run(main())
