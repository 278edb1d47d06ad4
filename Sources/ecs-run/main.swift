print("ecs-run")
