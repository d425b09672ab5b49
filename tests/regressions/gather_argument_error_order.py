# gather_argument_error_order: exported by `asim export python tests/regressions/gather_argument_error_order.yaml`
import asyncio


async def c1(n):
    return n


async def c3(n):
    return n


async def main():
    try:
        await asyncio.gather(c1(2), c3(3), t5)
    except NameError:
        print("x")
    try:
        await asyncio.gather(c1(*[2]), c3(**dict(n=3)), t5)
    except NameError:
        print("y")
    t5 = 1


asyncio.run(main())
