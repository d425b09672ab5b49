# assignment_forms: exported by `asim export python tests/regressions/assignment_forms.yaml`
import asyncio

counter = 0
stats = {'ok': 0, 'err': 0}
plan = [(0.1, 'ok'), (0.2, 'err'), (0.1, 'ok')]
cache = {}


async def worker(i):
    global counter
    latency, status = plan[i]
    await asyncio.sleep(latency)
    stats[status] += 1
    counter += 1
    cache[i] = status
    print(f"worker {i} {status} {stats} {counter}")


async def main():
    await asyncio.gather(worker(0), worker(1), worker(2))
    first, *rest = [1, 2, 3, 4]
    a = b = [0]
    a[0] += 5
    print(f"{first} {rest} {a} {b} {cache}")
    del cache[1]
    xs = list(range(6))
    xs[1:3] = 'ab'
    del xs[::2]
    xs *= 2
    print(f"{cache} {xs}")
    del xs
    print(f"{xs}")


asyncio.run(main())
