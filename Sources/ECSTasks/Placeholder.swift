// ECSTasks
