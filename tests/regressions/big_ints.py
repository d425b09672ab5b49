# big_ints: exported by `asim export python tests/regressions/big_ints.yaml`
import asyncio

huge = 123456789012345678901234567890


async def main():
    print(f"{2**100} {-(2**63)} {2**64 // 3} {-10**20 // 7} {-10**20 % 7} {divmod(-10**20, 7)} {huge * huge}")
    print(f"{2**64 == 2.0**64} {2**64 + 1 > 2.0**64} {2**53 + 1 == 2.0**53} {7.5 + 2**70} {10**400 / 10**399} {1 / 10**400}")
    print(f"{int(1e300) == 10**300} {round(1e300) > 0} {round(2**70, -3)} {round(5 * 10**20, -21)} {abs(-2**63)} {float(2**70)}")
    print(f"{2**70:,} {2**70:x} {-2**70:_} {2**70:e} {2**70:>30} {int('1' * 30)} {int('f' * 20, 16)} {str(2**70)}")
    print(f"{sorted([2**65, 3, 2.5e19, -2**64])} {max(2**70, 1e21)} {sum([2**62] * 4)} {[1, 2][0:2**70]}")
    try:
        print(f"{str(10**5000)}")
    except ValueError as e:
        print(f"{e}")
    try:
        print(f"{[1][2**70]}")
    except IndexError as e:
        print(f"{e}")
    try:
        print(f"{float(10**400)}")
    except OverflowError as e:
        print(f"{e}")
    try:
        print(f"{10**400 / 3}")
    except OverflowError as e:
        print(f"{e}")
    try:
        print(f"{2**70 * 1e300}")
    except OverflowError as e:
        print(f"{e}")
    print(f"{isinstance(2**70, int)} {type(2**70).__name__} {2**70 in [2**70]} {(2**70)**0.5} {2**-70}")


asyncio.run(main())
