# functions: exported by `asim export python tests/regressions/functions.yaml`
import asyncio
import time

hits = 0


def backoff(attempt, base=0.1):
    return base * 2 ** attempt


def classify(code):
    if code >= 500:
        return 'retry'
    elif code >= 400:
        return 'fail'
    return 'ok'


def count_hit():
    global hits
    hits += 1
    print(f"hit {hits} in {asyncio.current_task().get_name()}")


def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)


def parse(text):
    try:
        return int(text)
    except ValueError as e:
        print(f"bad {text!r}: {e}")
        raise RuntimeError("parse failed") from e


def slow(x):
    time.sleep(0.5)
    return x + 1


async def fetch(i):
    await asyncio.sleep(backoff(i))
    count_hit()
    return classify(500 - 100 * i)


async def main():
    results = await asyncio.gather(*[fetch(i) for i in range(3)])
    print(f"{results} {fact(20)} {sorted([3, -5, 1], key=backoff)} {list(map(classify, [200, 404]))}")
    print(f"{slow(1)} at {asyncio.get_running_loop().time()}")
    x = parse("42")
    y = [parse(s) for s in ['1', 'x']]


asyncio.run(main())
