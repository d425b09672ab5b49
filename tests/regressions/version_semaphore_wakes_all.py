# version_semaphore_wakes_all: exported by `asim export python tests/regressions/version_semaphore_wakes_all.yaml`
# for CPython 3.14 (asim's default); `asim run --python all` shows whether other releases differ
import asyncio

sem = asyncio.Semaphore(0)


async def acq(name):
    print(f"{name} acquiring; locked() = {sem.locked()}")
    await sem.acquire()
    print(f"{name} acquired")


async def ticker():
    for i in range(4):
        print(f"tick {i}")
        await asyncio.sleep(0)


async def main():
    a = asyncio.create_task(acq("A"))
    await asyncio.sleep(0)
    c = asyncio.create_task(acq("C"))
    d = asyncio.create_task(acq("D"))
    asyncio.create_task(ticker())
    sem.release()
    sem.release()
    sem.release()
    for i in range(4):
        await asyncio.sleep(0)
    print(f"C done {c.done()} D done {d.done()} locked {sem.locked()}")


asyncio.run(main())
