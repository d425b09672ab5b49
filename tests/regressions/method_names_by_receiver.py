import asyncio

q = asyncio.Queue()


async def main():
    d = {'a': 1}
    xs = ['x', 'y']
    v = d.get('a')
    w = d.get('b', 0)
    s = ', '.join(xs)
    print(f"{v} {w} {s}")
    d.clear()
    xs.clear()
    print(f"{d} {xs}")
    q.put_nowait(3)
    got = await q.get()
    print(f"got {got}")


asyncio.run(main())
