# version_shield_late_failure: exported by `asim export python tests/regressions/version_shield_late_failure.yaml`
# for CPython 3.14 (asim's default); `asim run --python all` shows whether other releases differ
import asyncio


async def inner(fail):
    await asyncio.sleep(1)
    print(f"inner finishing {fail}")
    if fail:
        raise ValueError("inner failed")
    return 'ok'


async def waiter(t):
    await asyncio.shield(t)


async def main():
    for fail in (True, False):
        t = asyncio.create_task(inner(fail))
        w = asyncio.create_task(waiter(t))
        await asyncio.sleep(0)
        w.cancel()
        await asyncio.sleep(2)
        print(f"inner done {t.done()} w cancelled {w.cancelled()}")
        del t, w
    w = asyncio.create_task(waiter(inner(True)))
    await asyncio.sleep(0)
    w.cancel()
    await asyncio.sleep(2)
    print(f"w cancelled {w.cancelled()}")
    print("end")


asyncio.run(main())
