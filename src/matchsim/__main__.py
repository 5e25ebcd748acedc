"""Allow ``python -m matchsim``."""

from matchsim.cli import main

if __name__ == "__main__":
    main()
