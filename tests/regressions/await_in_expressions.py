# await_in_expressions: exported by `asim export python tests/regressions/await_in_expressions.yaml`
import asyncio

counter = 0
stats = {'n': 0, 'items': [1]}
q = asyncio.Queue()
ev = asyncio.Event()
lock = asyncio.Lock()


async def f(x):
    global counter
    await asyncio.sleep(0.1)
    counter = counter + 1
    return x * 2


async def g():
    await asyncio.sleep(0.2)
    return [1, 2, 3]


async def flag(v):
    print(f"flag {v}")
    return v


async def f2(x):
    await asyncio.sleep(0.1 * x)
    if x == 3:
        raise ValueError(f"bad {x}")
    return x * 2


async def producer():
    for i in range(3):
        await q.put(i)
        await asyncio.sleep(0.05)
    ev.set()


async def work(x):
    global counter
    await asyncio.sleep(0.1)
    counter = counter + 10
    stats['n'] += 100
    return x


async def key():
    global counter
    await asyncio.sleep(0.05)
    counter = counter + 1
    return 'k'


async def part1():
    a = await f(1)
    b = counter + await f(2) + counter
    print(f"a={a} b={b} {await f(3)} then {counter}")
    if await flag(True):
        print("yes")
    c = await flag(0) or await flag(5)
    d = await flag(0) and await flag(5)
    e = await flag(1) if await flag(0) else await flag(2)
    h = 1 < await flag(2) < await flag(3) < 0 < await flag(9)
    print(f"c={c} d={d} e={e} h={h}")
    xs = [x * 10 for x in await g()]
    n = len(await g()) + (await f(5)) ** 2
    print(f"xs={xs} n={n} {[counter, await f(0), counter]}")
    dd = {'k': counter, 'v': await f(7), 'after': counter}
    print(f"{dd}")
    ys = (await g())[1:await f(1)]
    print(f"ys={ys} {str(await f(4)).upper()} {max(counter, await f(100))}")
    while await f(counter) < 20:
        print(f"loop {counter}")
    return await f(-1)


async def part2():
    asyncio.create_task(producer())
    results = await asyncio.gather(*[f2(i) for i in range(3)])
    print(f"{results}")
    mixed = await asyncio.gather(f2(1), f2(3), return_exceptions=True)
    print(f"{mixed!r}")
    item = await q.get()
    print(f"got {item} then {await q.get()}")
    print(f"acquired {await lock.acquire()} {lock.locked()}")
    lock.release()
    print(f"event {await ev.wait()} {q.qsize()}")
    tasks = [asyncio.create_task(f2(i)) for i in (4, 1, 2)]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    print(f"{len(done)} {len(pending)} {[t.result() for t in done]}")
    r = await asyncio.wait_for(f2(1), timeout=1)
    s = await asyncio.sleep(0.5, result='slept')
    print(f"{r} {s} {await tasks[0]} {await asyncio.shield(tasks[2])}")
    try:
        v = await asyncio.wait_for(f2(5), 0.1)
    except TimeoutError:
        print("timed out")
    w = [await f2(1), await f2(2)]
    print(f"{w} {await f2(3)}")


async def part3():
    global counter
    counter += await work(1)
    stats['n'] += await work(2)
    stats['items'] += [await work(3)]
    print(f"{counter} {stats}")
    d = {}
    d[await key()] = counter
    d[await key()], d['z'] = (counter, await work(4))
    print(f"{d} {counter}")
    await asyncio.gather(work(5), work(6))
    print(f"{counter} {stats}")


async def main():
    global counter
    counter = 0
    await part3()
    counter = 0
    await part2()
    counter = 0
    print(f"{await part1()}")


asyncio.run(main())
