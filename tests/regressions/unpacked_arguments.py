# unpacked_arguments: exported by `asim export python tests/regressions/unpacked_arguments.yaml`
import asyncio


def f(a, b=2, c=3):
    return (a, b, c)


async def fetch(url, retries=3, timeout=1.0):
    await asyncio.sleep(timeout)
    return f"{url} x{retries}"


async def main():
    opts = {'retries': 5, 'timeout': 0.5}
    args = ['/a']
    print(f"{f(*[1, 2])} {f(**{'a': 1, 'c': 5})} {f(*[1], c=9, **{'b': 8})}")
    r = await fetch(*args, **opts)
    rs = await asyncio.gather(fetch('/b', **opts), fetch(*['/c', 1]))
    print(f"{r} {rs}")
    t = asyncio.create_task(fetch(**{'url': '/d'}))
    print(f"{await t}")
    try:
        print(f"{f(1, **{'a': 1})}")
    except TypeError as e:
        print(f"{e}")
    try:
        print(f"{f(**[1])}")
    except TypeError as e:
        print(f"{e}")
    try:
        print(f"{f(a=1, **{'a': 2})}")
    except TypeError as e:
        print(f"{e}")
    try:
        print(f"{f(*5)}")
    except TypeError as e:
        print(f"{e}")
    try:
        print(f"{f(**{1: 2})}")
    except TypeError as e:
        print(f"{e}")
    print(f"{f(*[], **{})}")


asyncio.run(main())
