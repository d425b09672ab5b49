# user_exceptions: exported by `asim export python tests/regressions/user_exceptions.yaml`
import asyncio


class AppError(Exception):
    pass


class RetryableError(AppError):
    pass


class Timeouty(asyncio.TimeoutError):
    pass


class NotFound(KeyError):
    pass


class Denied(PermissionError):
    pass




async def work(i):
    await asyncio.sleep(0.1 * i)
    if i == 1:
        raise RetryableError("try again", i)
    if i == 2:
        raise NotFound("k")
    if i == 3:
        raise Denied(13, "no")
    raise AppError


async def main():
    for i in range(1, 5):
        try:
            await work(i)
        except RetryableError as e:
            print(f"retry {e} {e!r} {e.args} {type(e).__name__} {isinstance(e, AppError)} {isinstance(e, Exception)} {isinstance(e, RetryableError)}")
        except (NotFound, Denied) as e:
            print(f"lookup {e} {e!r} {isinstance(e, LookupError)} {isinstance(e, OSError)} {isinstance(e, AppError)}")
        except AppError as e:
            print(f"app {e!r} [{e}] {[RetryableError, AppError]}")
    errs = (AppError, ValueError)
    try:
        raise Timeouty("late")
    except TimeoutError as e:
        print(f"timeout {e!r} {type(e).__name__}")
    try:
        raise ValueError("v")
    except errs as e:
        print(f"caught via tuple {e!r} {AppError == AppError} {AppError is RetryableError}")
    rs = await asyncio.gather(work(1), work(2), work(4), return_exceptions=True)
    print(f"{rs}")
    raise RetryableError("unhandled")


asyncio.run(main())
