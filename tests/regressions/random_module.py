# random_module: exported by `asim export python tests/regressions/random_module.yaml`
import asyncio
import random

random.seed(123456789012345678901234567890)


async def main():
    try:
        print(f"{random.random(1)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.random(x=1)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.getrandbits()}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.getrandbits(-1)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.getrandbits(0)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.getrandbits(63)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.getrandbits(1.5)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.uniform(1)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.uniform(1, 2, 3)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.uniform(a=1, c=2)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.uniform(1, a=2)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.randint(1)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.randint(5, 1)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.randint(1.0, 3)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.randint(1.5, 3)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.randint('1', 3)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.randrange(0)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.randrange(-3)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.randrange(5, 5)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.randrange(1, 10, 0)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.randrange(10, 1, -3)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.randrange(10, 1, 3)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.randrange(1, 10, 2.5)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.randrange(3, step=2)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.randrange(1, 2.5)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.randrange('a')}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.randrange(None)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.choice([])}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.choice('abc')}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.choice({1: 2})}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.choice(5)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.choices([])}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.choices([], k=2)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.choices([1, 2], 2)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.choices([1, 2], [1])}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.choices([1, 2], [0, 0])}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.choices([1, 2], [1, 2], cum_weights=[1, 2])}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.choices([1, 2], cum_weights=[1, 3], k=3)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.choices([1, 2], k=-1)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.choices([1, 2], k=2.0)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.choices('ab', [1.5, 2], k=3)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.sample([1, 2, 3], 4)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.sample([1, 2, 3], -1)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.sample({1: 2}, 1)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.sample([1, 2, 3], 1.5)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.sample([1, 2, 3], 2, counts=[1, 2])}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.sample([1, 2, 3], 2, counts=[0, 0, 0])}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.sample([1, 2, 3], 2, counts=[1, 2, 3])}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.sample('abcdef', 6)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.sample(range(100), 30)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.sample([1, 2])}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.shuffle('abc')}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.shuffle((1, 2))}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.shuffle(5)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.gauss()}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.gauss(1)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.gauss(sigma=3)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.gauss('a', 1)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.normalvariate()}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.lognormvariate(0, 1000)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.lognormvariate(0)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.expovariate(0)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.expovariate(-1)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.expovariate()}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.triangular()}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.triangular(1, 1)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.triangular(5, 1)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.triangular(0, 10, 20)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.triangular(0, 10, 'a')}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.seed([1])}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.seed(3, 2, 1)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    try:
        print(f"{random.seed(-7)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    print(f"r={random.random()}")
    print(f"{dict()} {dict([('a', 1), ('b', 2)])} {dict({'x': 1}, y=2)} {dict(a=1, b=2)} {dict(zip('ab', [1, 2]))}")
    print(f"{dict((k, k * 2) for k in range(3))} {dict(['ab', 'cd'])}")
    try:
        print(f"{dict(1, 2)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    try:
        print(f"{dict([(1, 2, 3)])}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    try:
        print(f"{dict([1])}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    try:
        print(f"{dict(5)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
    try:
        print(f"{dict([[1]])}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")


asyncio.run(main())
