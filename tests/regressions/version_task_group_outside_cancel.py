# version_task_group_outside_cancel: exported by `asim export python tests/regressions/version_task_group_outside_cancel.yaml`
# for CPython 3.14 (asim's default); `asim run --python all` shows whether other releases differ
import asyncio


async def sleeper(n, name):
    try:
        await asyncio.sleep(n)
        print(f"{name} finished")
    except asyncio.CancelledError:
        print(f"{name} cancelled")
        raise


async def failing_on_cancel():
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError:
        raise ValueError("on-cancel")


async def body():
    try:
        async with asyncio.TaskGroup() as tg_:
            tg_.create_task(failing_on_cancel())
            await asyncio.sleep(5)
    except* ValueError as eg:
        print(f"body caught {eg.exceptions!r} cancelling {asyncio.current_task().cancelling()}")
    try:
        await asyncio.sleep(0)
        print("body continues after except*")
    except asyncio.CancelledError:
        print("body: CancelledError at next await")
        raise


async def slow_cleanup(parent):
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError:
        print(f"cleanup; parent.cancelling() = {parent.cancelling()}")
        await asyncio.sleep(1)
        print(f"cleanup done; parent.cancelling() = {parent.cancelling()}")
        raise


async def quick_fail():
    await asyncio.sleep(1)
    raise ValueError("x")


async def late_spawn(tg):
    await asyncio.sleep(2)
    try:
        tg.create_task(sleeper(1, "late"))
    except RuntimeError as e:
        print(f"refused: {e}")


async def main():
    t = asyncio.create_task(body())
    await asyncio.sleep(1)
    t.cancel()
    try:
        await t
        print("t result")
    except asyncio.CancelledError as e:
        print(f"t cancelled {e!r}")
    try:
        async with asyncio.TaskGroup() as tg_:
            tg_.create_task(slow_cleanup(asyncio.current_task()))
            tg_.create_task(quick_fail())
            await asyncio.sleep(5)
    except* ValueError as eg:
        print(f"caught {eg.exceptions!r} cancelling() = {asyncio.current_task().cancelling()}")
    async with asyncio.TaskGroup() as tg:
        tg.create_task(sleeper(0.5, "s"))
    asyncio.create_task(late_spawn(tg))
    await asyncio.sleep(3)


asyncio.run(main())
