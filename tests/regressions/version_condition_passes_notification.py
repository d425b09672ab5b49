# version_condition_passes_notification: exported by `asim export python tests/regressions/version_condition_passes_notification.yaml`
# for CPython 3.14 (asim's default); `asim run --python all` shows whether other releases differ
import asyncio

cond = asyncio.Condition()


async def waiter(name):
    async with cond:
        try:
            await cond.wait()
            print(f"{name} woke up")
        except asyncio.CancelledError as e:
            print(f"{name} cancelled {e!r}")
            raise


async def reacq(name):
    async with cond:
        try:
            await cond.wait()
            print(f"{name} woke up")
        except asyncio.CancelledError as e:
            print(f"{name} got {e!r}")
            raise


async def main():
    a = asyncio.create_task(waiter("A"))
    b = asyncio.create_task(waiter("B"))
    await asyncio.sleep(0)
    async with cond:
        cond.notify(1)
        a.cancel("msg-x")
    await asyncio.sleep(1)
    print(f"A: {a.cancelled()} B done: {b.done()}")
    if not b.done():
        b.cancel()
        await asyncio.sleep(0)
        print(f"B cancelled: {b.cancelled()}")
    r = asyncio.create_task(reacq("R"))
    await asyncio.sleep(0)
    async with cond:
        cond.notify(1)
        await asyncio.sleep(0)
        r.cancel("why")
        await asyncio.sleep(0)
    await asyncio.sleep(0)
    print(f"R: {r.cancelled()}")


asyncio.run(main())
