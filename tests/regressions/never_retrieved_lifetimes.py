# never_retrieved_lifetimes: exported by `asim export python tests/regressions/never_retrieved_lifetimes.yaml`
import asyncio


async def fail(label):
    await asyncio.sleep(0.1)
    raise ValueError(f"{label} failed")


async def holder():
    t = asyncio.create_task(fail("held by holder"))
    await asyncio.sleep(0.5)
    print("holder returns; its locals go")


async def grouped():
    async with asyncio.TaskGroup() as tg:
        print("an empty group")
    t = asyncio.create_task(fail("beside a group"))
    await asyncio.sleep(0.2)
    raise RuntimeError("grouped fails, its frame holds the group")


async def main():
    for i in range(3):
        t = asyncio.create_task(fail(f"loop {i}"))
    await asyncio.sleep(0.2)
    print("the loop variable still holds the last one")
    c = asyncio.create_task(fail("cancelled after"))
    w = asyncio.create_task(fail("waited for"))
    done, pending = await asyncio.wait([w], return_when=asyncio.FIRST_EXCEPTION)
    c.cancel()
    c = None
    w = None
    done = None
    await holder()
    g = asyncio.create_task(grouped())
    await asyncio.sleep(0.5)
    g = None
    t = None
    await asyncio.sleep(0.1)
    print("end")


asyncio.run(main())
