import asyncio

jobs = [("b", 3, 0.2), ("a", 1, 0.1), ("c", 2, 0.1), ("a", 5, 0.3)]
results = {}


async def work(name, size, delay):
    await asyncio.sleep(delay)
    results[name] = results.get(name, 0) + size
    return size * 10


async def main():
    coros = [work(n, s, d) for n, s, d in jobs]
    done = await asyncio.gather(*coros)
    print(f"done {done}")
    by_size = sorted(jobs, key=lambda j: j[1], reverse=True)
    print(f"by size {[j[0] for j in by_size]}")
    print(f"total {sum(s for _, s, _ in jobs)}, any big {any(s > 4 for _, s, _ in jobs)}")
    print(f"squares {[i * i for i in range(6) if i % 2 == 0]}")
    print(f"pairs {[(i, j) for i in range(3) for j in range(i)]}")
    print(f"index {({n: i for i, (n, _, _) in enumerate(jobs)})}")
    print(f"slowest {max(jobs, key=lambda j: j[2])[0]}, fastest {min(jobs, key=lambda j: (j[2], j[0]))}")
    scale = 3
    f = lambda x, k=2: x * k + scale
    scale = 100
    print(f"f {f(1)} {f(1, 5)}")
    print(f"nested {[[x * y for y in range(3)] for x in range(3)]}")
    print(f"all positive {all(v > 0 for v in results.values())}, results {sorted(results.items())}")
    print(f"lazy {any(1 / x > 0.4 for x in [2, 1, 0])}")
    print(f"max default {max((x for x in []), default='none')}")
    print(f"stable {sorted([(1, 'b'), (1, 'a'), (0, 'c')], key=lambda p: p[0], reverse=True)}")
    try:
        print(f(1, 2, 3))
    except TypeError as e:
        print(f"error {e}")
    try:
        print((lambda a, b: a)(1))
    except TypeError as e:
        print(f"error {e}")


asyncio.run(main())
