from jaring.cli import main

main()
