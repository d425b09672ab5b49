import asyncio
from asyncio import BrokenBarrierError

gate = asyncio.Barrier(3)
doomed = asyncio.Barrier(2)

async def worker(name, speed):
    for phase in range(2):
        await asyncio.sleep(speed * (phase + 1))
        print(f"{name} finished phase {phase}, {gate.n_waiting} already waiting")
        idx = await gate.wait()
        print(f"{name} passes barrier for phase {phase} as arrival {idx}")

async def hopeful(name):
    try:
        await doomed.wait()
        print(f"{name} passed (wrong)")
    except BrokenBarrierError as e:
        print(f"{name}: {e!r}, broken={doomed.broken}")

async def main():
    await asyncio.gather(worker("fast", 0.5), worker("slow", 2), worker("mid", 1))
    asyncio.create_task(hopeful("h1"))
    await asyncio.sleep(1)
    await doomed.abort()
    await hopeful("h2")
    await doomed.reset()
    print(f"after reset: broken={doomed.broken}, parties={doomed.parties}")

asyncio.run(main())
