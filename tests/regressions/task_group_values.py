# task_group_values: exported by `asim export python tests/regressions/task_group_values.yaml`
import asyncio


async def fetch(i):
    await asyncio.sleep(0.1 * i)
    print(f"fetched {i}")
    return i * 10


async def producer(tg, n):
    for i in range(n):
        tg.create_task(fetch(i), name=f"fetch-{i}")
        await asyncio.sleep(0.05)
    print(f"producer done {tg!r}")


async def noop():
    await asyncio.sleep(0)


async def boom():
    await asyncio.sleep(0.1)
    raise ValueError("boom")


async def slow(tg, label):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print(f"{label} cancelled, group {tg!r}")
        try:
            tg.create_task(noop())
        except RuntimeError as e:
            print(f"late: {e}")
        raise


async def stubborn(tg):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print(f"cancelled in {tg!r}")
        try:
            tg.create_task(noop())
        except RuntimeError as e:
            print(f"late: {e}")
        await asyncio.sleep(0.5)
        print("still here")


async def later(tg):
    await asyncio.sleep(5)
    try:
        t = tg.create_task(noop())
    except RuntimeError as e:
        print(f"after: {e}")


async def fan_out():
    async with asyncio.TaskGroup() as tg:
        print(f"{tg!r}")
        tg.create_task(producer(tg, 3))
        extra = [tg.create_task(fetch(i)) for i in range(5, 7)]
        print(f"{tg!r} {[t.get_name() for t in extra]}")
    print(f"{tg!r} {[t.result() for t in extra]}")
    t = asyncio.create_task(fetch(1), name="solo")
    u = asyncio.get_running_loop().create_task(fetch(2))
    a = await t
    b = await u
    print(f"{t.get_name()} {u.get_name()} {a} {b}")
    try:
        tg.create_task(fetch(9))
    except RuntimeError as e:
        print(f"error: {e}")


async def nested():
    bad = 5
    try:
        bad.create_task(noop())
    except AttributeError as e:
        print(f"attr: {e}")
    try:
        async with asyncio.TaskGroup() as outer:
            lt = outer.create_task(later(outer))
            groups = [outer]
            same = outer == outer
            print(f"{same} {groups[0] is outer}")
            async with asyncio.TaskGroup() as inner:
                outer.create_task(slow(inner, "a"), name=None)
                inner.create_task(slow(outer, "b"))
                inner.create_task(boom())
    except* ValueError as eg:
        print(f"caught {eg!r}")


async def shutting_down():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(stubborn(tg))
            tg.create_task(boom())
            await asyncio.sleep(0.05)
            print(f"{tg!r}")
    except* ValueError as eg:
        print(f"caught {eg!r} {tg!r}")
    t = asyncio.create_task(noop(), name=42)
    print(f"{t.get_name()!r}")
    await t


async def main():
    await fan_out()
    await nested()
    await shutting_down()
    async with asyncio.TaskGroup() as tg:
        tg.create_task(1)


asyncio.run(main())
